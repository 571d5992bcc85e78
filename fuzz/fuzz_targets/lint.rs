//! Fuzz the whole pipeline: any stdin must produce a report (findings inside the file), never a panic.
#![no_main]

use kubeha::{Config, Input, lint};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let input = Input::Stdin {
        name: "fuzz.yaml".to_owned(),
        bytes: data.to_vec(),
    };
    let report = lint(&[input], &Config::default());
    for f in &report.findings {
        let len = report.files[f.file].text.len() as u32;
        assert!(f.span.start <= f.span.end && f.span.end <= len, "{f:?}");
    }
});
