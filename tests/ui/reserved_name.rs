#[wasp::plugin]
pub trait Contract {
    fn wasp_alloc(&self, len: u32) -> u32;
}

fn main() {}
