//! What the readers hand to the mappers: resources as evaluated trees, with their provenance.

use rampart_model::inventory::DeclaredDefault;
use rampart_model::{Gap, Origin};

use crate::value::Value;
use crate::waiver::WaiverComment;

/// One resource instance as declared.
#[derive(Debug, Clone)]
pub struct Raw {
    /// `aws_s3_bucket`, `AWS::S3::Bucket`.
    pub kind: String,
    /// The full address (`module.logs.aws_s3_bucket.this[0]`, a CloudFormation logical id).
    pub address: String,
    /// The value other resources use to refer to it (its `id` / `Ref`).
    pub id: String,
    /// The declaring file (as displayed), line and column.
    pub origin: Origin,
    /// The evaluated attributes or properties.
    pub attrs: Value,
    /// The module path (`module.logs.`), empty at the root; CloudFormation: the file.
    pub scope: String,
    /// Waiver comments written on or above it.
    pub waivers: Vec<WaiverComment>,
    /// For CloudFormation resources evaluated once per branch of their conditions: the branch
    /// (`UseKms=false`), empty otherwise.
    pub branch: String,
    /// Terraform: why the number of instances is not known before apply (a `count` or
    /// `for_each` of its own or of a module around it, from a variable without a value, a data
    /// source, another resource's attribute); `None` when every instance is known. Such a
    /// resource stands for all of its instances under the address `NAME[*]`, and whether any
    /// exists is not known: what the checks read of it is `not_assessed`.
    pub instances_unknown: Option<String>,
}

impl Raw {
    /// The identifier used as the resource's `Meta::arn` when no real ARN is known:
    /// `FILE:ADDRESS`, with the branch when there is one (`FILE:Bucket[UseKms=false]`).
    #[must_use]
    pub fn iac_arn(&self) -> String {
        let file = self.origin.file.as_deref().unwrap_or("");
        if self.branch.is_empty() {
            format!("{file}:{}", self.address)
        } else {
            format!("{file}:{}[{}]", self.address, self.branch)
        }
    }
}

/// A file that could not be read or parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IacError {
    /// The file.
    pub file: String,
    /// 1-based line (0: unknown).
    pub line: u32,
    /// 1-based column (0: unknown).
    pub column: u32,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for IacError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.line > 0 {
            write!(
                f,
                "{}:{}:{}: {}",
                self.file, self.line, self.column, self.message
            )
        } else {
            write!(f, "{}: {}", self.file, self.message)
        }
    }
}

/// Everything a reader collected from one input.
#[derive(Debug, Default)]
pub struct Collected {
    /// Resources.
    pub raws: Vec<Raw>,
    /// Files that failed.
    pub errors: Vec<IacError>,
    /// Gaps found while reading (remote modules, unreadable files).
    pub gaps: Vec<Gap>,
    /// Variable / parameter defaults.
    pub declared_defaults: Vec<DeclaredDefault>,
    /// The region named by the configuration, if any.
    pub region: Option<String>,
    /// How many files were read successfully.
    pub files_read: usize,
}

impl Collected {
    /// Records a file that could not be parsed: an error, and a gap so the report says so.
    pub fn file_error(&mut self, err: IacError) {
        self.gaps.push(
            Gap::new(
                "iac.file",
                &err.file,
                format!("this file could not be parsed: {err}"),
            )
            .with_code("ParseError"),
        );
        self.errors.push(err);
    }
}
