#[wasp::plugin]
pub trait Contract {
    type Output;
    fn run(&self) -> u32;
}

fn main() {}
