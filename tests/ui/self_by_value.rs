#[wasp::plugin]
pub trait Contract {
    fn finish(self) -> u32;
}

fn main() {}
