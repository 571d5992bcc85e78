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
