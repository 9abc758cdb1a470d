#[wasp::plugin]
pub trait Contract {
    fn start(&self) -> u32;
    #[wasp(rename = "start")]
    fn begin(&self) -> u32;
}

fn main() {}
