#[wasp::host]
pub trait Host {
    #[wasp(since = 2)]
    fn log(&mut self, line: String);
}

#[wasp::plugin(host = Host)]
pub trait Contract {
    #[wasp(since = 0)]
    fn zero(&self);
    #[wasp(rename = "not a name")]
    fn spaced(&self);
    #[wasp(bogus)]
    fn unknown(&self);
}

fn main() {}
