//! Every supported type goes to the plugin and comes back unchanged.

mod common;

use common::{sample_record, types_instance};
use types_contract::Shape;

#[test]
fn integers_round_trip_at_their_extremes() {
    let mut t = types_instance();
    for v in [i8::MIN, -1, 0, i8::MAX] {
        assert_eq!(t.echo_i8(v).unwrap(), v);
    }
    for v in [u8::MIN, 1, u8::MAX] {
        assert_eq!(t.echo_u8(v).unwrap(), v);
    }
    for v in [i16::MIN, i16::MAX] {
        assert_eq!(t.echo_i16(v).unwrap(), v);
    }
    for v in [u16::MIN, u16::MAX] {
        assert_eq!(t.echo_u16(v).unwrap(), v);
    }
    for v in [i32::MIN, -1, i32::MAX] {
        assert_eq!(t.echo_i32(v).unwrap(), v);
    }
    for v in [u32::MIN, u32::MAX] {
        assert_eq!(t.echo_u32(v).unwrap(), v);
    }
    for v in [i64::MIN, -1, i64::MAX] {
        assert_eq!(t.echo_i64(v).unwrap(), v);
    }
    for v in [u64::MIN, u64::MAX] {
        assert_eq!(t.echo_u64(v).unwrap(), v);
    }
    for v in [i128::MIN, -1, i128::MAX] {
        assert_eq!(t.echo_i128(v).unwrap(), v);
    }
    for v in [u128::MIN, u128::MAX] {
        assert_eq!(t.echo_u128(v).unwrap(), v);
    }
}

#[test]
fn pointer_sized_integers_are_range_checked_in_the_32_bit_plugin() {
    let mut t = types_instance();
    assert_eq!(t.echo_usize(u32::MAX as usize).unwrap(), u32::MAX as usize);
    assert_eq!(t.echo_isize(i32::MIN as isize).unwrap(), i32::MIN as isize);
    // A host usize the plugin cannot represent is refused inside the plugin, loudly.
    let error = t.echo_usize(u32::MAX as usize + 1).unwrap_err();
    assert!(matches!(error, wasp::Error::Panic { .. }), "{error}");
}

#[test]
fn floats_keep_their_bits_including_nan_payloads() {
    let mut t = types_instance();
    for v in [
        0.0f32,
        -0.0,
        f32::MIN_POSITIVE,
        f32::MAX,
        f32::INFINITY,
        f32::NEG_INFINITY,
    ] {
        assert_eq!(t.echo_f32(v).unwrap().to_bits(), v.to_bits());
    }
    let nan = f32::from_bits(0x7fc0_0001);
    let back = t.echo_f32(nan).unwrap();
    assert!(back.is_nan());
    assert_eq!(back.to_bits(), nan.to_bits());
    for v in [f64::MIN, f64::EPSILON, f64::NAN, -0.0] {
        assert_eq!(t.echo_f64(v).unwrap().to_bits(), v.to_bits());
    }
}

#[test]
fn bools_and_chars_including_edge_code_points() {
    let mut t = types_instance();
    assert!(t.echo_bool(true).unwrap());
    assert!(!t.echo_bool(false).unwrap());
    for c in [
        '\0',
        'a',
        'é',
        '\u{7ff}',
        '\u{D7FF}',
        '\u{E000}',
        '\u{FFFF}',
        '🦀',
        char::MAX,
    ] {
        assert_eq!(t.echo_char(c).unwrap(), c);
    }
}

#[test]
fn strings_unicode_and_empty() {
    let mut t = types_instance();
    for s in [
        "",
        "a",
        "Hello Nic",
        "naïve café",
        "日本語テキスト",
        "🦀🦀🦀",
        "\0inner\0nul",
    ] {
        assert_eq!(t.echo_string(s.to_string()).unwrap(), s);
        assert_eq!(t.str_chars(s).unwrap() as usize, s.chars().count());
    }
}

#[test]
fn byte_buffers_empty_small_and_16_mib() {
    let mut t = types_instance();
    assert_eq!(t.echo_bytes(Vec::new()).unwrap(), Vec::<u8>::new());
    assert_eq!(t.echo_bytes(vec![0, 255, 7]).unwrap(), vec![0, 255, 7]);
    let big: Vec<u8> = (0..16 * 1024 * 1024)
        .map(|i: u32| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    let back = t.echo_bytes(big.clone()).unwrap();
    assert_eq!(back.len(), big.len());
    assert!(back == big, "16 MiB buffer changed on the way");
    let expected: u64 = big.iter().map(|&b| u64::from(b)).sum();
    assert_eq!(t.slice_sum(&big).unwrap(), expected);
}

#[test]
fn several_buffer_arguments_in_one_call() {
    let mut t = types_instance();
    assert_eq!(
        t.join("a", "ß".into(), b"", b"z".to_vec()).unwrap(),
        "a|ß||z"
    );
    assert_eq!(t.join("", String::new(), b"", Vec::new()).unwrap(), "|||");
}

#[test]
fn option_result_vec_and_tuples() {
    let mut t = types_instance();
    assert_eq!(t.echo_option(None).unwrap(), None);
    assert_eq!(
        t.echo_option(Some(String::new())).unwrap(),
        Some(String::new())
    );
    assert_eq!(t.echo_option(Some("x".into())).unwrap(), Some("x".into()));
    assert_eq!(t.echo_result(Ok(7)).unwrap(), Ok(7));
    assert_eq!(t.echo_result(Err("no".into())).unwrap(), Err("no".into()));
    assert_eq!(t.echo_vec(vec![]).unwrap(), Vec::<i64>::new());
    assert_eq!(
        t.echo_vec(vec![i64::MIN, 0, i64::MAX]).unwrap(),
        vec![i64::MIN, 0, i64::MAX]
    );
    let tuple = (255u8, "tuple ✓".to_string(), true);
    assert_eq!(t.echo_tuple(tuple.clone()).unwrap(), tuple);
}

#[test]
fn nested_structs_and_every_enum_variant() {
    let mut t = types_instance();
    let record = sample_record();
    assert_eq!(t.echo_record(record.clone()).unwrap(), record);
    for shape in [
        Shape::Empty,
        Shape::Circle(f32::MAX),
        Shape::Rect { w: 0, h: u32::MAX },
        Shape::Path(vec![]),
        Shape::Path(vec![(1, 2), (-3, -4)]),
    ] {
        assert_eq!(t.echo_shape(shape.clone()).unwrap(), shape);
    }
}

#[test]
fn scalars_bytes_and_structs_mixed_in_one_call() {
    let mut t = types_instance();
    let record = sample_record();
    let out = t
        .mixed(9, "borrowed", record.clone(), &[1, 2, 3], '∑')
        .unwrap();
    assert_eq!(out, (9, "borrowed".to_string(), record, vec![1, 2, 3], '∑'));
}

#[test]
fn unit_methods() {
    let mut t = types_instance();
    t.nothing().unwrap();
}

// `Box<str>`, `Box<[u8]>` and `Cow` were added with `Wire` impls only: they must travel as the
// raw kinds (`String`, `Vec<u8>` in the descriptor, no codec) and come back unchanged.
#[test]
fn boxed_and_borrowed_strings_and_bytes_travel_raw() {
    use std::borrow::Cow;
    use wasp::descriptor::WireType;

    let descriptor = <dyn types_contract::Types as wasp::Contract>::descriptor();
    let method = |name: &str| {
        descriptor
            .methods
            .iter()
            .find(|m| m.name == name)
            .unwrap_or_else(|| panic!("no method {name}"))
    };
    for (name, wire) in [
        ("echo_box_str", WireType::String),
        ("echo_cow_str", WireType::String),
        ("echo_box_bytes", WireType::Bytes),
        ("echo_cow_bytes", WireType::Bytes),
    ] {
        assert_eq!(method(name).params, std::slice::from_ref(&wire), "{name}");
        assert_eq!(method(name).result, Some(wire), "{name}");
    }
    assert_eq!(
        method("join_kinds").params,
        [
            WireType::String,
            WireType::String,
            WireType::Bytes,
            WireType::Bytes,
            WireType::String
        ]
    );

    let mut t = types_instance();
    for s in [
        "",
        "a",
        "naïve café",
        "日本語テキスト",
        "🦀🦀🦀",
        "\0inner\0nul",
    ] {
        assert_eq!(&*t.echo_box_str(Box::from(s)).unwrap(), s);
        assert_eq!(t.echo_cow_str(Cow::Borrowed(s)).unwrap(), s);
        assert_eq!(t.echo_cow_str(Cow::Owned(s.to_string())).unwrap(), s);
        // Borrowed from the plugin's argument block, not copied.
        assert!(t.cow_is_borrowed(Cow::Borrowed(s)).unwrap());
    }
    for b in [&b""[..], &[0], &[0, 255, 7], "🦀".as_bytes()] {
        assert_eq!(&*t.echo_box_bytes(Box::from(b)).unwrap(), b);
        assert_eq!(t.echo_cow_bytes(Cow::Borrowed(b)).unwrap(), b);
    }
    let big: Box<[u8]> = (0..1 << 20).map(|i: u32| (i % 251) as u8).collect();
    assert!(t.echo_box_bytes(big.clone()).unwrap() == big);
    assert_eq!(
        t.join_kinds(
            Box::from("ß"),
            Cow::Borrowed("ü"),
            Box::from(&b"b"[..]),
            Cow::Owned(b"".to_vec()),
            "✓"
        )
        .unwrap(),
        "ß|ü|b||✓"
    );
    assert_eq!(
        t.join_kinds(
            Box::from(""),
            Cow::Borrowed(""),
            Box::from(&b""[..]),
            Cow::Borrowed(&b""[..]),
            ""
        )
        .unwrap(),
        "||||"
    );
}
