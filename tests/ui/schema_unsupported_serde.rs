use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, wasp::Schema)]
#[serde(tag = "type")]
pub enum Tagged {
    A { x: u8 },
}

#[derive(Serialize, Deserialize, wasp::Schema)]
pub struct Fields {
    #[serde(flatten)]
    pub flattened: Inner,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sometimes: Option<u8>,
    #[serde(with = "custom")]
    pub custom: u8,
    #[serde(skip_serializing)]
    pub one_way: u8,
    #[serde(skip)]
    pub skipped_is_fine: u8,
}

#[derive(Serialize, Deserialize, wasp::Schema)]
pub struct Inner {
    pub a: u8,
}

mod custom {
    pub fn serialize<S: serde::Serializer>(v: &u8, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u8(*v)
    }
    pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<u8, D::Error> {
        serde::Deserialize::deserialize(d)
    }
}

// The refused types still implement `Schema`, so using them adds no second error.
#[wasp::plugin]
pub trait Uses {
    fn tagged(&self, value: Tagged) -> Fields;
}

fn main() {}
