#[wasp::plugin]
pub trait Contract {
    async fn fetch(&self) -> u32;
}

fn main() {}
