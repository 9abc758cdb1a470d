use std::borrow::Cow;

// The plugin frees its arguments when a method returns, so a borrowed parameter cannot be
// kept: a lifetime that would let it outlive the call is refused where it is written.
#[wasp::plugin]
pub trait Contract {
    fn keep(&self, name: &'static str);
    fn keep_bytes<'a>(&'a self, data: &'a [u8]) -> u32;
    fn keep_cow(&self, text: Cow<'static, str>);
    fn fine(&self, name: &str, text: Cow<'_, str>, data: &[u8]) -> Cow<'static, str>;
}

fn main() {}
