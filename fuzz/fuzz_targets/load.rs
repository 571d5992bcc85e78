//! Fuzz the YAML loader: any bytes must load into documents and located errors, never panic.
#![no_main]

use kubeha::source::{Limits, LineIndex, load_str};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let lines = LineIndex::new(&text);
    let loaded = load_str(&text, &lines, &Limits::default());
    for e in &loaded.errors {
        assert!(e.span.start as usize <= text.len() && e.span.end as usize <= text.len());
    }
});
