#[wasp::plugin]
pub trait Contract {
    fn name(&self) -> &str;
}

fn main() {}
