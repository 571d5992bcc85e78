//! Kubernetes' reading of plain scalars: go-yaml v2 (YAML 1.1) rules, as `kubectl` applies them.
//!
//! `yes`/`no`/`on`/`off`/`y`/`n` are booleans, `0644` is octal 420, `1.10` is the float 1.1,
//! `1_000` is 1000. Floats with an integral value become integers, because `kubectl` sends JSON
//! (`1e3` arrives as `1000` and fits an `int32` field).

use serde_json::{Number, Value};

/// What a plain scalar resolves to.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolved {
    Null,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(f64),
    Str,
}

impl Resolved {
    /// True when the scalar is not read as a string (it was written unquoted and means something else).
    pub fn is_non_string(&self) -> bool {
        !matches!(self, Resolved::Str)
    }

    /// The JSON value; a string takes `text` over (no copy when it is already owned).
    pub fn into_value(self, text: impl Into<String>) -> Value {
        match self {
            Resolved::Null => Value::Null,
            Resolved::Bool(b) => Value::Bool(b),
            Resolved::Int(i) => Value::Number(i.into()),
            Resolved::Uint(u) => Value::Number(u.into()),
            Resolved::Float(f) => float_value(f).unwrap_or_else(|| Value::String(text.into())),
            Resolved::Str => Value::String(text.into()),
        }
    }
}

/// How a mapping key is spelled in JSON (go's `sigs.k8s.io/yaml` stringifies non-string keys).
pub enum KeyText {
    Same,
    Other(String),
}

impl KeyText {
    pub fn for_plain(text: &str) -> KeyText {
        match resolve_plain(text) {
            Resolved::Str => KeyText::Same,
            Resolved::Null => KeyText::Other("null".to_owned()),
            Resolved::Bool(b) => KeyText::Other(b.to_string()),
            Resolved::Int(i) => KeyText::Other(i.to_string()),
            Resolved::Uint(u) => KeyText::Other(u.to_string()),
            Resolved::Float(f) => KeyText::Other(match float_value(f) {
                Some(v) => v.to_string(),
                None => text.to_owned(),
            }),
        }
    }
}

fn float_value(f: f64) -> Option<Value> {
    if f.fract() == 0.0 && f.abs() < 9.0e15 {
        #[expect(
            clippy::cast_possible_truncation,
            reason = "integral and below 2^53: exact"
        )]
        return Some(Value::Number((f as i64).into()));
    }
    Number::from_f64(f).map(Value::Number)
}

/// Resolves a plain (unquoted, untagged) scalar the way go-yaml v2 does.
pub fn resolve_plain(text: &str) -> Resolved {
    let Some(&first) = text.as_bytes().first() else {
        return Resolved::Null;
    };
    match first {
        b'~' | b'n' | b'N' | b'y' | b'Y' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' => {
            resolve_word(text)
        }
        b'0'..=b'9' | b'+' | b'-' | b'.' => resolve_number(text),
        _ => Resolved::Str,
    }
}

fn resolve_word(text: &str) -> Resolved {
    match text {
        "~" | "null" | "Null" | "NULL" => Resolved::Null,
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            Resolved::Bool(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            Resolved::Bool(false)
        }
        _ => Resolved::Str,
    }
}

fn resolve_number(text: &str) -> Resolved {
    match text {
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Resolved::Float(f64::INFINITY);
        }
        "-.inf" | "-.Inf" | "-.INF" => return Resolved::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Resolved::Float(f64::NAN),
        _ => {}
    }
    if text.len() > 64 {
        return Resolved::Str;
    }
    let plain: String = text.chars().filter(|&c| c != '_').collect();
    if let Some(i) = parse_go_int(&plain) {
        return i;
    }
    if is_yaml_float(&plain)
        && let Ok(f) = plain.parse::<f64>()
    {
        return Resolved::Float(f);
    }
    Resolved::Str
}

/// Go's `strconv.ParseInt(s, 0, 64)` then `ParseUint`: sign, `0x`/`0o`/`0b` prefixes, leading-0 octal.
fn parse_go_int(s: &str) -> Option<Resolved> {
    let (negative, digits) = match s.as_bytes().first()? {
        b'-' => (true, s.get(1..)?),
        b'+' => (false, s.get(1..)?),
        _ => (false, s),
    };
    if digits.is_empty() {
        return None;
    }
    let (radix, body) = if let Some(rest) = digits
        .strip_prefix("0x")
        .or_else(|| digits.strip_prefix("0X"))
    {
        (16, rest)
    } else if let Some(rest) = digits
        .strip_prefix("0o")
        .or_else(|| digits.strip_prefix("0O"))
    {
        (8, rest)
    } else if let Some(rest) = digits
        .strip_prefix("0b")
        .or_else(|| digits.strip_prefix("0B"))
    {
        (2, rest)
    } else if digits.len() > 1 && digits.starts_with('0') {
        (8, digits.get(1..)?)
    } else {
        (10, digits)
    };
    if body.is_empty() || !body.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let magnitude = u64::from_str_radix(body, radix).ok()?;
    if negative {
        let value = i64::try_from(magnitude)
            .ok()
            .map(|m| -m)
            .or_else(|| (magnitude == 1u64 << 63).then_some(i64::MIN))?;
        Some(Resolved::Int(value))
    } else {
        Some(match i64::try_from(magnitude) {
            Ok(v) => Resolved::Int(v),
            Err(_) => Resolved::Uint(magnitude),
        })
    }
}

/// go-yaml's `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
fn is_yaml_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'-' | b'+')));
    let digits = |i: &mut usize| {
        let start = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - start
    };
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'-' | b'+')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_1_1_booleans() {
        for t in [
            "yes", "Yes", "YES", "y", "Y", "on", "On", "ON", "true", "True",
        ] {
            assert_eq!(resolve_plain(t), Resolved::Bool(true), "{t}");
        }
        for t in ["no", "No", "NO", "n", "N", "off", "Off", "OFF", "false"] {
            assert_eq!(resolve_plain(t), Resolved::Bool(false), "{t}");
        }
        assert_eq!(resolve_plain("yEs"), Resolved::Str);
        assert_eq!(resolve_plain("nginx"), Resolved::Str);
    }

    #[test]
    fn numbers_as_go_yaml_reads_them() {
        assert_eq!(resolve_plain("0644"), Resolved::Int(420));
        assert_eq!(resolve_plain("0x1F"), Resolved::Int(31));
        assert_eq!(resolve_plain("0b101"), Resolved::Int(5));
        assert_eq!(resolve_plain("1_000"), Resolved::Int(1000));
        assert_eq!(resolve_plain("-3"), Resolved::Int(-3));
        assert_eq!(resolve_plain("1.10"), Resolved::Float(1.1));
        assert_eq!(resolve_plain("08"), Resolved::Float(8.0));
        assert_eq!(resolve_plain("1e3"), Resolved::Float(1000.0));
        assert_eq!(resolve_plain("1.2.3"), Resolved::Str);
        assert_eq!(resolve_plain("10Gi"), Resolved::Str);
        assert_eq!(resolve_plain("-"), Resolved::Str);
        assert_eq!(resolve_plain("."), Resolved::Str);
        assert_eq!(resolve_plain(""), Resolved::Null);
        assert_eq!(resolve_plain("~"), Resolved::Null);
        assert_eq!(resolve_plain("2001-12-14"), Resolved::Str);
    }

    #[test]
    fn integral_floats_become_json_integers() {
        assert_eq!(Resolved::Float(1000.0).into_value("1e3"), Value::from(1000));
        assert_eq!(Resolved::Float(1.5).into_value("1.5"), Value::from(1.5));
        assert_eq!(
            Resolved::Float(f64::NAN).into_value(".nan"),
            Value::from(".nan")
        );
    }
}
