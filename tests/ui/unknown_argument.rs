#[wasp::plugin(hots = Host)]
pub trait Contract {
    fn run(&self) -> u32;
}

#[wasp::host(extra)]
pub trait Host {
    fn log(&mut self, line: String);
}

fn main() {}
