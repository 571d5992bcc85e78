//! "Did you mean …?" for rule names, config keys and options.

/// The candidate closest to `input`, when it is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    input: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(input, c), c))
        .filter(|&(score, _)| score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// [`did_you_mean`], when no other candidate is as close: a fix may rename to it.
pub fn unique_did_you_mean<'a>(
    input: &str,
    candidates: impl IntoIterator<Item = &'a str> + Clone,
) -> Option<&'a str> {
    let best = did_you_mean(input, candidates.clone())?;
    let score = strsim::jaro_winkler(input, best);
    let ties = candidates
        .into_iter()
        .filter(|&c| c != best && strsim::jaro_winkler(input, c) >= score)
        .count();
    (ties == 0).then_some(best)
}

/// `; did you mean `x`?` or nothing.
pub fn hint<'a>(input: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    did_you_mean(input, candidates).map(|c| format!("did you mean `{c}`?"))
}

/// The keys a `#[derive(Deserialize)]` struct accepts, as serde names them (renamed and all):
/// the candidates of a did-you-mean, read from the type so that they cannot drift from it.
/// Empty for a type that is not a struct.
pub fn fields_of<T: serde::de::DeserializeOwned>() -> &'static [&'static str] {
    let mut fields: &'static [&'static str] = &[];
    // The deserializer only records the field list and stops: the error is expected.
    let _ = T::deserialize(FieldsOf(&mut fields));
    fields
}

/// A deserializer that answers every request with an error, after noting the fields a struct
/// asks for.
struct FieldsOf<'a>(&'a mut &'static [&'static str]);

impl<'de> serde::Deserializer<'de> for FieldsOf<'_> {
    type Error = serde::de::value::Error;

    fn deserialize_any<V: serde::de::Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
        Err(serde::de::Error::custom("not a struct"))
    }

    fn deserialize_struct<V: serde::de::Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Self::Error> {
        *self.0 = fields;
        Err(serde::de::Error::custom("fields noted"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn suggests_close_names_only() {
        let names = ["single-replica", "missing-pdb", "missing-liveness-probe"];
        assert_eq!(
            super::did_you_mean("single-replicas", names),
            Some("single-replica")
        );
        assert_eq!(
            super::did_you_mean("missing-pbd", names),
            Some("missing-pdb")
        );
        assert_eq!(super::did_you_mean("zzz", names), None);
    }
}
