#[wasp::plugin]
pub trait Contract {
    const LIMIT: u32;
    fn run(&self) -> u32;
}

fn main() {}
