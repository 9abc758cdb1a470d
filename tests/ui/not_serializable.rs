pub struct Opaque;

#[wasp::plugin]
pub trait Contract {
    fn take(&self, value: Opaque) -> u32;
}

fn main() {}
