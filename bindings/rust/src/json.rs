//! A small JSON module: a value type, a strict RFC 8259 parser and a compact serializer; enough for
//! vdp requests, results and error objects.
//!
//! - Objects are `BTreeMap`s (keys sorted on output; duplicate keys are a parse error, as the plugin
//!   treats them).
//! - Integers without fraction or exponent that fit `i64` parse to [`Value::Int`], every other number to
//!   [`Value::Float`] (finite only). Non-finite floats serialize as `null`.
//! - Strings: every escape of RFC 8259, `\u` surrogate pairs combined; an unpaired surrogate, a raw
//!   control character or an unknown escape is an error. Output escapes `"`, `\` and control characters
//!   only (everything else is written as UTF-8).
//! - Nesting deeper than [`MAX_DEPTH`] is an error (no unbounded recursion on hostile input).

use std::collections::BTreeMap;
use std::fmt::{self, Write as _};
use std::ops::Index;
use std::str::FromStr;

/// An object: member name to value.
pub type Map = BTreeMap<String, Value>;

/// Deepest nesting of arrays and objects the parser accepts.
pub const MAX_DEPTH: usize = 256;

/// A JSON value.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Value {
    #[default]
    Null,
    Bool(bool),
    /// A number written without fraction or exponent that fits `i64`.
    Int(i64),
    /// Any other number.
    Float(f64),
    String(String),
    Array(Vec<Value>),
    Object(Map),
}

static NULL: Value = Value::Null;

impl Value {
    /// Parses one JSON text (surrounding whitespace allowed, nothing else after the value).
    pub fn parse(text: &str) -> Result<Value, ParseError> {
        let mut p = Parser {
            s: text.as_bytes(),
            pos: 0,
            text,
        };
        p.ws();
        let v = p.value(0)?;
        p.ws();
        if p.pos != p.s.len() {
            return Err(p.err("trailing characters after the JSON value"));
        }
        Ok(v)
    }

    /// An object from `(name, value)` pairs (a later duplicate name replaces an earlier one).
    pub fn object<I, K, V>(members: I) -> Value
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<Value>,
    {
        Value::Object(
            members
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        )
    }

    /// An empty object, `{}`.
    pub fn empty_object() -> Value {
        Value::Object(Map::new())
    }

    /// An array from values.
    pub fn array<I, V>(items: I) -> Value
    where
        I: IntoIterator<Item = V>,
        V: Into<Value>,
    {
        Value::Array(items.into_iter().map(Into::into).collect())
    }

    /// Member `key` of an object; `None` for a missing member or a value that is not an object.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Object(m) => m.get(key),
            _ => None,
        }
    }

    /// Mutable member `key` of an object.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        match self {
            Value::Object(m) => m.get_mut(key),
            _ => None,
        }
    }

    /// Sets member `key`, turning a `null` into an empty object first; returns the value it replaced.
    /// Panics when `self` is neither an object nor `null`.
    pub fn insert(&mut self, key: impl Into<String>, value: impl Into<Value>) -> Option<Value> {
        if self.is_null() {
            *self = Value::empty_object();
        }
        match self {
            Value::Object(m) => m.insert(key.into(), value.into()),
            other => panic!("json::Value::insert on a non-object ({})", other.kind()),
        }
    }

    /// Removes member `key` of an object.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        match self {
            Value::Object(m) => m.remove(key),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }
    /// An integer (also a float with an exact integer value in `i64`'s range).
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            Value::Float(f) if f.fract() == 0.0 && *f >= -9.2e18 && *f <= 9.2e18 => Some(*f as i64),
            _ => None,
        }
    }
    /// A non-negative integer.
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Value::Float(f) if f.fract() == 0.0 && *f >= 0.0 && *f <= 1.8e19 => Some(*f as u64),
            other => other.as_i64().and_then(|i| u64::try_from(i).ok()),
        }
    }
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Int(i) => Some(*i as f64),
            Value::Float(f) => Some(*f),
            _ => None,
        }
    }
    pub fn as_array(&self) -> Option<&Vec<Value>> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }
    pub fn as_object(&self) -> Option<&Map> {
        match self {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }
    pub fn as_object_mut(&mut self) -> Option<&mut Map> {
        match self {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }

    /// The JSON type name: "null", "boolean", "number", "string", "array" or "object".
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Int(_) | Value::Float(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        }
    }

    fn write(&self, out: &mut String) {
        match self {
            Value::Null => out.push_str("null"),
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Int(i) => {
                let _ = write!(out, "{}", i);
            }
            // `{:?}` keeps a fraction or an exponent ("1.0", "1e300"), so the number parses back as a float.
            Value::Float(f) if f.is_finite() => {
                let _ = write!(out, "{:?}", f);
            }
            Value::Float(_) => out.push_str("null"),
            Value::String(s) => write_string(out, s),
            Value::Array(items) => {
                out.push('[');
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    v.write(out);
                }
                out.push(']');
            }
            Value::Object(m) => {
                out.push('{');
                for (i, (k, v)) in m.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_string(out, k);
                    out.push(':');
                    v.write(out);
                }
                out.push('}');
            }
        }
    }
}

/// Writes `s` as a JSON string literal.
fn write_string(out: &mut String, s: &str) {
    out.push('"');
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let esc: Option<&str> = match b {
            b'"' => Some("\\\""),
            b'\\' => Some("\\\\"),
            b'\n' => Some("\\n"),
            b'\r' => Some("\\r"),
            b'\t' => Some("\\t"),
            0x08 => Some("\\b"),
            0x0c => Some("\\f"),
            0x00..=0x1f => None,
            _ => continue,
        };
        out.push_str(&s[start..i]);
        match esc {
            Some(e) => out.push_str(e),
            None => {
                let _ = write!(out, "\\u{:04x}", b);
            }
        }
        start = i + 1;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

/// Compact JSON text (`value.to_string()`).
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = String::new();
        self.write(&mut s);
        f.write_str(&s)
    }
}

impl FromStr for Value {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Value, ParseError> {
        Value::parse(s)
    }
}

/// `value["key"]`: the member, or `null` when absent (or `value` is not an object).
impl Index<&str> for Value {
    type Output = Value;
    fn index(&self, key: &str) -> &Value {
        self.get(key).unwrap_or(&NULL)
    }
}

/// `value[i]`: the element, or `null` when out of range (or `value` is not an array).
impl Index<usize> for Value {
    type Output = Value;
    fn index(&self, i: usize) -> &Value {
        match self {
            Value::Array(a) => a.get(i).unwrap_or(&NULL),
            _ => &NULL,
        }
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}
impl From<i32> for Value {
    fn from(i: i32) -> Value {
        Value::Int(i64::from(i))
    }
}
impl From<u32> for Value {
    fn from(i: u32) -> Value {
        Value::Int(i64::from(i))
    }
}
impl From<i64> for Value {
    fn from(i: i64) -> Value {
        Value::Int(i)
    }
}
impl From<u64> for Value {
    fn from(i: u64) -> Value {
        i64::try_from(i)
            .map(Value::Int)
            .unwrap_or(Value::Float(i as f64))
    }
}
impl From<usize> for Value {
    fn from(i: usize) -> Value {
        Value::from(i as u64)
    }
}
impl From<f64> for Value {
    fn from(f: f64) -> Value {
        Value::Float(f)
    }
}
impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::String(s.to_owned())
    }
}
impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::String(s)
    }
}
impl From<&String> for Value {
    fn from(s: &String) -> Value {
        Value::String(s.clone())
    }
}
impl From<Vec<Value>> for Value {
    fn from(a: Vec<Value>) -> Value {
        Value::Array(a)
    }
}
impl From<Map> for Value {
    fn from(m: Map) -> Value {
        Value::Object(m)
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(o: Option<T>) -> Value {
        o.map_or(Value::Null, Into::into)
    }
}

/// Why a text is not valid JSON, and where (byte offset).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub offset: usize,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid JSON at byte {}: {}", self.offset, self.message)
    }
}

impl std::error::Error for ParseError {}

struct Parser<'a> {
    s: &'a [u8],
    pos: usize,
    text: &'a str,
}

impl<'a> Parser<'a> {
    fn err(&self, message: &str) -> ParseError {
        ParseError {
            offset: self.pos,
            message: message.to_owned(),
        }
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    fn expect(&mut self, b: u8, what: &str) -> Result<(), ParseError> {
        if self.peek() == Some(b) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.err(what))
        }
    }

    fn literal(&mut self, word: &str, v: Value) -> Result<Value, ParseError> {
        if self.s[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(v)
        } else {
            Err(self.err("invalid literal"))
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value, ParseError> {
        match self.peek() {
            None => Err(self.err("unexpected end of input")),
            Some(b'{') => self.object(depth + 1),
            Some(b'[') => self.array(depth + 1),
            Some(b'"') => self.string().map(Value::String),
            Some(b't') => self.literal("true", Value::Bool(true)),
            Some(b'f') => self.literal("false", Value::Bool(false)),
            Some(b'n') => self.literal("null", Value::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.err("unexpected character")),
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value, ParseError> {
        if depth > MAX_DEPTH {
            return Err(self.err("nesting too deep"));
        }
        self.pos += 1; // '{'
        let mut map = Map::new();
        self.ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Value::Object(map));
        }
        loop {
            self.ws();
            if self.peek() != Some(b'"') {
                return Err(self.err("expected a member name"));
            }
            let at = self.pos;
            let key = self.string()?;
            self.ws();
            self.expect(b':', "expected ':'")?;
            self.ws();
            let v = self.value(depth)?;
            if map.insert(key, v).is_some() {
                return Err(ParseError {
                    offset: at,
                    message: "duplicate member name".into(),
                });
            }
            self.ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Value::Object(map));
                }
                _ => return Err(self.err("expected ',' or '}'")),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<Value, ParseError> {
        if depth > MAX_DEPTH {
            return Err(self.err("nesting too deep"));
        }
        self.pos += 1; // '['
        let mut items = Vec::new();
        self.ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Value::Array(items));
        }
        loop {
            self.ws();
            items.push(self.value(depth)?);
            self.ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Value::Array(items));
                }
                _ => return Err(self.err("expected ',' or ']'")),
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, ParseError> {
        let digits = self
            .s
            .get(self.pos..self.pos + 4)
            .ok_or_else(|| self.err("short \\u escape"))?;
        let mut v = 0u32;
        for &d in digits {
            let x = (d as char)
                .to_digit(16)
                .ok_or_else(|| self.err("invalid \\u escape"))?;
            v = v * 16 + x;
        }
        self.pos += 4;
        Ok(v)
    }

    fn string(&mut self) -> Result<String, ParseError> {
        self.pos += 1; // opening quote
        let mut out = String::new();
        let mut start = self.pos;
        loop {
            let b = match self.peek() {
                Some(b) => b,
                None => return Err(self.err("unterminated string")),
            };
            match b {
                b'"' => {
                    out.push_str(&self.text[start..self.pos]);
                    self.pos += 1;
                    return Ok(out);
                }
                0x00..=0x1f => return Err(self.err("raw control character in string")),
                b'\\' => {
                    out.push_str(&self.text[start..self.pos]);
                    self.pos += 1;
                    let e = match self.peek() {
                        Some(e) => e,
                        None => return Err(self.err("unterminated escape")),
                    };
                    self.pos += 1;
                    match e {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let hi = self.hex4()?;
                            let cp = match hi {
                                0xd800..=0xdbff => {
                                    if !self.s[self.pos..].starts_with(b"\\u") {
                                        return Err(self.err("unpaired high surrogate"));
                                    }
                                    self.pos += 2;
                                    let lo = self.hex4()?;
                                    if !(0xdc00..=0xdfff).contains(&lo) {
                                        return Err(self.err("unpaired high surrogate"));
                                    }
                                    0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00)
                                }
                                0xdc00..=0xdfff => return Err(self.err("unpaired low surrogate")),
                                cp => cp,
                            };
                            match char::from_u32(cp) {
                                Some(c) => out.push(c),
                                None => return Err(self.err("invalid code point")),
                            }
                        }
                        _ => {
                            self.pos -= 1;
                            return Err(self.err("invalid escape"));
                        }
                    }
                    start = self.pos;
                }
                _ => self.pos += 1,
            }
        }
    }

    fn digits(&mut self) -> usize {
        let from = self.pos;
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
        self.pos - from
    }

    fn number(&mut self) -> Result<Value, ParseError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => {
                self.pos += 1;
                if let Some(b'0'..=b'9') = self.peek() {
                    return Err(self.err("leading zero"));
                }
            }
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(self.err("expected a digit")),
        }
        let mut integer = true;
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if self.digits() == 0 {
                return Err(self.err("expected a digit after '.'"));
            }
            integer = false;
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return Err(self.err("expected a digit in the exponent"));
            }
            integer = false;
        }
        let lit = &self.text[start..self.pos];
        if integer {
            if let Ok(i) = lit.parse::<i64>() {
                return Ok(Value::Int(i));
            }
        }
        match lit.parse::<f64>() {
            Ok(f) if f.is_finite() => Ok(Value::Float(f)),
            _ => Err(ParseError {
                offset: start,
                message: "number out of range".into(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_and_nesting() {
        let v = Value::parse(" {\"a\":[1,-2,3.5,1e3,true,false,null,\"x\"],\"b\":{}} ").unwrap();
        assert_eq!(v["a"][0], Value::Int(1));
        assert_eq!(v["a"][1].as_i64(), Some(-2));
        assert_eq!(v["a"][2].as_f64(), Some(3.5));
        assert_eq!(v["a"][3], Value::Float(1000.0));
        assert_eq!(v["a"][4].as_bool(), Some(true));
        assert!(v["a"][6].is_null());
        assert_eq!(v["a"][7].as_str(), Some("x"));
        assert!(v["missing"]["deeper"][3].is_null());
        assert_eq!(
            v.to_string(),
            "{\"a\":[1,-2,3.5,1000.0,true,false,null,\"x\"],\"b\":{}}"
        );
        assert_eq!(Value::parse(&v.to_string()).unwrap(), v);
    }

    #[test]
    fn big_numbers() {
        assert_eq!(
            Value::parse("9223372036854775807").unwrap(),
            Value::Int(i64::MAX)
        );
        assert_eq!(
            Value::parse("-9223372036854775808").unwrap(),
            Value::Int(i64::MIN)
        );
        assert_eq!(
            Value::parse("18446744073709551615").unwrap().as_f64(),
            Some(1.8446744073709552e19)
        );
        assert!(Value::parse("1e400").is_err());
        assert_eq!(Value::parse("-0").unwrap(), Value::Int(0));
        assert_eq!(Value::Float(f64::NAN).to_string(), "null");
        assert_eq!(
            Value::Float(1e300).to_string().parse::<Value>().unwrap(),
            Value::Float(1e300)
        );
        assert_eq!(Value::from(u64::MAX).as_f64(), Some(u64::MAX as f64));
    }

    #[test]
    fn rejects_what_rfc_8259_rejects() {
        for bad in [
            "",
            " ",
            "01",
            "1.",
            ".5",
            "1e",
            "+1",
            "-",
            "NaN",
            "Infinity",
            "[1,]",
            "{\"a\":1,}",
            "{a:1}",
            "\"\\x\"",
            "\"a\nb\"",
            "\"\t\"",
            "\"\\ud800\"",
            "\"\\udc00\"",
            "\"\\ud800\\u0041\"",
            "\"\\u12\"",
            "[1] x",
            "{\"a\":1,\"a\":2}",
            "tru",
            "nul",
            "[",
            "{",
            "\"abc",
            "'a'",
            "1 2",
        ] {
            assert!(Value::parse(bad).is_err(), "{:?} was accepted", bad);
        }
    }

    #[test]
    fn depth_limit() {
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(Value::parse(&ok).is_ok());
        let deep = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        assert_eq!(Value::parse(&deep).unwrap_err().message, "nesting too deep");
        let hostile = "[".repeat(1_000_000);
        assert!(Value::parse(&hostile).is_err());
    }

    #[test]
    fn tricky_strings_round_trip() {
        let samples = [
            "",
            "plain",
            "quote \" backslash \\ slash /",
            "controls \u{0}\u{1}\u{8}\u{9}\u{a}\u{c}\u{d}\u{1f}\u{7f}",
            "unicode é ß 漢字 \u{2028}\u{2029} \u{feff}",
            "astral 😀 𝄞 \u{10ffff}",
            "\\u0041 is not an escape here",
        ];
        for s in samples {
            let v = Value::from(s);
            let text = v.to_string();
            assert!(
                !text[1..text.len() - 1].bytes().any(|b| b < 0x20),
                "raw control in {:?}",
                text
            );
            assert_eq!(
                Value::parse(&text).unwrap(),
                v,
                "round trip of {:?} via {}",
                s,
                text
            );
            // Also as a member name.
            let o = Value::object([(s, s)]);
            assert_eq!(Value::parse(&o.to_string()).unwrap(), o);
        }
        assert_eq!(
            Value::from("a\"b\\c\n\u{1}").to_string(),
            r#""a\"b\\c\n\u0001""#
        );
    }

    #[test]
    fn escapes_decode() {
        let v =
            Value::parse(r#""\"\\\/\b\f\n\r\t\u0041\u00e9\u6f22\ud83d\ude00\uD834\uDD1E\u0000""#)
                .unwrap();
        assert_eq!(v.as_str(), Some("\"\\/\u{8}\u{c}\n\r\t\u{41}é漢😀𝄞\u{0}"));
        // Raw UTF-8 passes through untouched.
        assert_eq!(Value::parse("\"漢字😀\"").unwrap().as_str(), Some("漢字😀"));
    }

    #[test]
    fn builders() {
        let mut v = Value::object([("id", Value::from("x")), ("size", Value::from(1))]);
        v.insert("tags", Value::array(["a", "b"]));
        v.insert("none", Option::<i64>::None);
        assert_eq!(
            v.to_string(),
            r#"{"id":"x","none":null,"size":1,"tags":["a","b"]}"#
        );
        assert_eq!(v.remove("none"), Some(Value::Null));
        let mut n = Value::Null;
        n.insert("k", true);
        assert_eq!(n.to_string(), r#"{"k":true}"#);
        assert_eq!(Value::Int(3).as_u64(), Some(3));
        assert_eq!(Value::Int(-3).as_u64(), None);
        assert_eq!(Value::Float(2.0).as_i64(), Some(2));
        assert_eq!(Value::Float(2.5).as_i64(), None);
    }
}
