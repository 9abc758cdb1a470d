#[wasp::plugin]
pub trait Contract {
    fn fill(&self, buffer: &mut Vec<u8>);
}

fn main() {}
