//! Infrastructure as code into the rampart Inventory: Terraform (HCL directories and plan JSON)
//! and CloudFormation (JSON and YAML templates, SAM included).
//!
//! Each reader evaluates its language to [`raw::Raw`] resources (a tree of [`value::Value`]s with
//! file, line and column); the mappers in [`map`] turn them into the same Inventory the live
//! collector fills, so every check applies unchanged before deployment. Values that cannot be
//! known before apply become gaps, never guesses; a file that cannot be parsed is an error for
//! that file only.

pub mod cfn;
pub mod hcl;
pub mod map;
pub mod plan;
pub mod raw;
pub mod value;
pub mod waiver;

use std::io::Read as _;
use std::path::{Path, PathBuf};

use rampart_model::{InputInfo, Inventory};

pub use crate::hcl::TfOptions;
pub use crate::raw::IacError;

/// The account id IaC resources are placed in (IaC does not say which account it deploys to).
pub const ACCOUNT_ID: &str = "000000000000";
/// The region used when the configuration names none.
pub const DEFAULT_REGION: &str = "us-east-1";
/// Files larger than this are not read as IaC.
pub const MAX_FILE_BYTES: u64 = 32 * 1024 * 1024;

/// What an input path is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    /// A directory with `.tf` files (itself or below), or one `.tf` file.
    Terraform,
    /// A `terraform show -json` plan.
    TerraformPlan,
    /// A CloudFormation template, or a directory of templates.
    CloudFormation,
}

impl InputKind {
    /// The name used in the report's `inputs`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            InputKind::Terraform => "terraform",
            InputKind::TerraformPlan => "terraform-plan",
            InputKind::CloudFormation => "cloudformation",
        }
    }

    /// The model's input kind (the report's `inputs`).
    #[must_use]
    pub fn model(self) -> rampart_model::InputKind {
        match self {
            InputKind::Terraform => rampart_model::InputKind::Terraform,
            InputKind::TerraformPlan => rampart_model::InputKind::TerraformPlan,
            InputKind::CloudFormation => rampart_model::InputKind::CloudFormation,
        }
    }
}

fn head(path: &Path, n: u64) -> Option<String> {
    let mut buf = Vec::new();
    std::fs::File::open(path)
        .ok()?
        .take(n)
        .read_to_end(&mut buf)
        .ok()?;
    Some(String::from_utf8_lossy(&buf).into_owned())
}

/// Whether a file looks like a CloudFormation template (by its content).
#[must_use]
pub fn looks_like_template(path: &Path) -> bool {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if !matches!(
        ext.as_str(),
        "json" | "yaml" | "yml" | "template" | "cfn" | "txt"
    ) {
        return false;
    }
    let Some(text) = head(path, 256 * 1024) else {
        return false;
    };
    text.contains("AWSTemplateFormatVersion")
        || (text.contains("Resources") && text.contains("AWS::"))
}

/// Detects what `path` is, by extension and content.
#[must_use]
pub fn detect(path: &Path) -> Option<InputKind> {
    if path.is_dir() {
        if !hcl::module_dirs(path).is_empty() {
            return Some(InputKind::Terraform);
        }
        if !cfn::templates_in(path).is_empty() {
            return Some(InputKind::CloudFormation);
        }
        return None;
    }
    let name = path.file_name()?.to_string_lossy().to_ascii_lowercase();
    if name.ends_with(".tf") {
        return Some(InputKind::Terraform);
    }
    if name.ends_with(".json")
        && let Some(h) = head(path, 64 * 1024)
        && plan::looks_like_plan(&h)
    {
        return Some(InputKind::TerraformPlan);
    }
    looks_like_template(path).then_some(InputKind::CloudFormation)
}

/// The result of reading one input.
#[derive(Debug)]
pub struct Loaded {
    /// The Inventory (one pseudo-account).
    pub inventory: Inventory,
    /// Files that could not be parsed (each also a gap in the Inventory).
    pub errors: Vec<IacError>,
    /// How many files were read.
    pub files_read: usize,
}

/// Reads `path` as `kind`.
#[must_use]
pub fn load(path: &Path, kind: InputKind, opts: &TfOptions) -> Loaded {
    let mut collected = raw::Collected::default();
    let display = path.display().to_string();
    match kind {
        InputKind::Terraform => {
            if path.is_dir() {
                hcl::load(path, opts, &mut collected);
            } else {
                // `scan main.tf` reads that file alone.
                hcl::load_file(path, opts, &mut collected);
            }
        }
        InputKind::TerraformPlan => match read_text(path) {
            Ok(text) => plan::load(&text, &display, &mut collected),
            Err(e) => collected.file_error(IacError {
                file: display.clone(),
                line: 0,
                column: 0,
                message: e,
            }),
        },
        InputKind::CloudFormation => {
            let files = if path.is_dir() {
                cfn::templates_in(path)
            } else {
                vec![path.to_path_buf()]
            };
            // A template that another one of the input nests is read through its parent (with
            // the parameters the parent passes), not also as a stack of its own.
            let nested: std::collections::BTreeSet<PathBuf> = files
                .iter()
                .filter_map(|f| read_text(f).ok().map(|t| cfn::nested_templates(&t, f)))
                .flatten()
                .filter_map(|p| p.canonicalize().ok())
                .collect();
            let roots: Vec<PathBuf> = files
                .iter()
                .filter(|f| f.canonicalize().map_or(true, |c| !nested.contains(&c)))
                .cloned()
                .collect();
            // Templates that only nest each other (a cycle, reported when read): read them all.
            let files = if roots.is_empty() { files } else { roots };
            for f in files {
                let d = f.display().to_string();
                match read_text(&f) {
                    Ok(text) => cfn::load(&text, &d, &mut collected),
                    Err(e) => collected.file_error(IacError {
                        file: d,
                        line: 0,
                        column: 0,
                        message: e,
                    }),
                }
            }
        }
    }
    finish(kind, &display, collected)
}

/// Maps what a reader collected into the Inventory.
fn finish(kind: InputKind, display: &str, mut collected: raw::Collected) -> Loaded {
    let display = display.to_owned();
    let region = collected
        .region
        .clone()
        .unwrap_or_else(|| DEFAULT_REGION.to_owned());
    let mut bld = map::Builder::new(&region, &display);
    match kind {
        InputKind::CloudFormation => map::cfn::map(&mut bld, &collected.raws),
        _ => map::tf::map(&mut bld, &collected.raws),
    }
    bld.finish(std::mem::take(&mut collected.declared_defaults));
    let mut inventory = Inventory::default();
    inventory.inputs.push(InputInfo {
        kind: kind.model(),
        source: display,
    });
    inventory.gaps.extend(collected.gaps);
    inventory.gaps.extend(bld.gaps);
    inventory.waivers.extend(bld.waivers);
    bld.account.region_mut(&region);
    inventory.accounts.push(bld.account);
    Loaded {
        inventory,
        errors: collected.errors,
        files_read: collected.files_read,
    }
}

/// Reads one input given as text (`display` names it in findings): a Terraform file, a plan, or
/// a template. Used by the fuzz targets and by tests; never touches the file system except for
/// local modules and `file()` calls the text names.
#[must_use]
pub fn load_text(kind: InputKind, text: &str, display: &str) -> Loaded {
    let mut collected = raw::Collected::default();
    match kind {
        InputKind::Terraform => hcl::load_source(text, display, &mut collected),
        InputKind::TerraformPlan => plan::load(text, display, &mut collected),
        InputKind::CloudFormation => cfn::load(text, display, &mut collected),
    }
    finish(kind, display, collected)
}

fn read_text(path: &Path) -> Result<String, String> {
    let meta = std::fs::metadata(path).map_err(|e| e.to_string())?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(format!("larger than {MAX_FILE_BYTES} bytes; not read"));
    }
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    String::from_utf8(bytes).map_err(|e| format!("not UTF-8 text: {e}"))
}
