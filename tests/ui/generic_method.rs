#[wasp::plugin]
pub trait Contract {
    fn pick<T>(&self, value: T) -> u32;
}

fn main() {}
