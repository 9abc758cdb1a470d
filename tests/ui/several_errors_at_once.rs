#[wasp::plugin]
pub trait Contract {
    fn generic<T>(&self, value: T);
    fn no_receiver() -> u32;
    fn borrowed(&self) -> &[u8];
}

fn main() {}
