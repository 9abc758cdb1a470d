#[wasp::plugin]
pub trait Contract {
    fn create() -> u32;
}

fn main() {}
