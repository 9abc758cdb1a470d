#[wasp::plugin]
pub trait Contract {
    fn nothing(&self, unit: ());
}

fn main() {}
