//! The json module through the public API: tricky strings survive serialization and parsing, and the
//! strict grammar refuses what the plugin refuses.

use vdp::json::{Map, Value};

#[test]
fn tricky_strings_round_trip() {
    let tricky = [
        "",
        "\"quoted\" and \\backslashed\\",
        "line\nbreak\r\ttab\u{8}\u{c}",
        "nul \u{0} and unit separator \u{1f} and delete \u{7f}",
        "latin é, cjk 漢字, rtl עברית, bom \u{feff}, separators \u{2028}\u{2029}",
        "astral: 😀 𝄞 \u{10000} \u{10ffff}",
        "looks like an escape: \\u0041 \\n",
        "</script><!--",
    ];
    let mut obj = Map::new();
    for (i, s) in tricky.iter().enumerate() {
        obj.insert(format!("k{}{}", i, s), Value::from(*s));
    }
    let doc = Value::object([
        ("strings", Value::array(tricky.iter().copied())),
        ("members", Value::from(obj)),
    ]);
    let text = doc.to_string();
    assert!(
        !text.bytes().any(|b| b < 0x20),
        "control character left unescaped in {:?}",
        text
    );
    let back = Value::parse(&text).expect("own output parses");
    assert_eq!(back, doc);
    for (i, s) in tricky.iter().enumerate() {
        assert_eq!(back["strings"][i].as_str(), Some(*s));
    }
    assert_eq!(back.to_string(), text, "serialization is stable");
}

#[test]
fn escapes_from_other_encoders() {
    // Surrogate pairs in either case, escaped solidus, every short escape.
    let v: Value = r#"{"s":"\uD83D\uDE00\ud834\udd1e\/\b\f\n\r\t\"\\","n":-1.5e-3,"i":-42,"b":[true,false,null]}"#
        .parse()
        .unwrap();
    assert_eq!(v["s"].as_str(), Some("😀𝄞/\u{8}\u{c}\n\r\t\"\\"));
    assert_eq!(v["n"].as_f64(), Some(-0.0015));
    assert_eq!(v["i"].as_i64(), Some(-42));
    assert_eq!(v["b"][0].as_bool(), Some(true));
    assert!(v["b"][2].is_null());
}

#[test]
fn strict_grammar() {
    for bad in [
        r#""\ud800""#,
        r#""\udc00x""#,
        "[01]",
        "[1.]",
        "{\"a\":1}x",
        "{\"a\":1,\"a\":1}",
        "\"\u{1}\"",
    ] {
        let e = Value::parse(bad).unwrap_err();
        assert!(!e.to_string().is_empty());
    }
}
