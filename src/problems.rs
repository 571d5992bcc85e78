//! What loading found wrong with the input: unparseable documents, objects that are not
//! usable or do not fit their schema, repeated keys. The load stage fills it, the manifest
//! rules report it, and the index narrows cross-object rules around it. It imports neither
//! the loader nor the configuration, so rules can read it without depending on either.

use crate::finding::ObjectRef;
use crate::index::BrokenObject;
use crate::source::{DuplicateKey, FileId, LoadError, Span};

/// A document that is not a usable object, or an object that does not fit its schema.
#[derive(Debug, Clone)]
pub struct InvalidObject {
    pub file: crate::source::FileId,
    pub span: Span,
    pub object: Option<ObjectRef>,
    pub message: String,
    pub help: String,
}

#[derive(Debug, Clone)]
pub struct DuplicateInFile {
    pub file: crate::source::FileId,
    pub object: Option<ObjectRef>,
    pub key: DuplicateKey,
}

/// What loading found wrong, for the manifest rules to report.
#[derive(Debug, Default)]
pub struct LoadProblems {
    pub yaml: Vec<(FileId, LoadError)>,
    pub objects: Vec<InvalidObject>,
    pub duplicates: Vec<DuplicateInFile>,
    pub broken: Vec<BrokenObject>,
    /// Where each of `broken` is: `(file, span)`.
    pub broken_at: Vec<(FileId, Span)>,
}

impl LoadProblems {
    pub(crate) fn extend(&mut self, other: LoadProblems) {
        self.yaml.extend(other.yaml);
        self.objects.extend(other.objects);
        self.duplicates.extend(other.duplicates);
        self.broken.extend(other.broken);
        self.broken_at.extend(other.broken_at);
    }
}

impl LoadProblems {
    /// Forgets what file `file` had wrong (it is being loaded again).
    pub(crate) fn remove_file(&mut self, file: FileId) {
        self.yaml.retain(|(f, _)| *f != file);
        self.objects.retain(|o| o.file != file);
        self.duplicates.retain(|d| d.file != file);
        let mut keep = self.broken_at.iter().map(|(f, _)| *f != file);
        self.broken.retain(|_| keep.next().unwrap_or(true));
        self.broken_at.retain(|(f, _)| *f != file);
    }
}
