#[wasp::plugin]
pub trait Contract {
    fn show(&self, value: impl std::fmt::Display) -> String;
}

fn main() {}
