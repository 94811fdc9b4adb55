//! AWS Lambda managed runtimes and the dates AWS ends their support.
//!
//! Source: the AWS Lambda Developer Guide, "Lambda runtimes"
//! (<https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html>), its tables "Supported
//! runtimes" and "Deprecated runtimes", as published in early 2026; table last reviewed
//! 2026-12-04. The date kept is the **deprecation date** (AWS's "Deprecation date" column, the day
//! a runtime stops receiving security patches and technical support). The later "block function
//! create" and "block function update" dates only restrict deployments and are not kept: a
//! function on a runtime past its deprecation date runs unpatched code whatever can still be
//! deployed.
//!
//! For runtimes still supported the dates are AWS's *projected* dates, which AWS has moved before
//! (python3.9 went from 2025-10-31 to 2025-12-15): review this table when the page changes. Each
//! check judges against the scan time (the Inventory's `collected_at`), never the wall clock, so a
//! re-audited snapshot gives the same verdict.
//!
//! Two lookups:
//! - [`by_id`]: the runtime identifier a function declares (`python3.9`, `nodejs20.x`,
//!   `provided.al2`), exactly as the Lambda API spells it (ASCII case ignored);
//! - [`by_language`]: a language and version as a lock file or version file states it
//!   (`("python", "3.9.18")`, `("node", "20")`, `("java", "17")`), for the dependency checks.

use time::Date;
use time::macros::date;

/// The language family of a managed runtime.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Language {
    /// `pythonX.Y`.
    Python,
    /// `nodejsNN.x` (and the first `nodejs`, `nodejs4.3`, …).
    NodeJs,
    /// `javaNN`, `java8.al2`.
    Java,
    /// `dotnetN`, `dotnetcoreN.N`.
    DotNet,
    /// `rubyX.Y`.
    Ruby,
    /// `go1.x` (Go now runs on the OS-only runtimes).
    Go,
    /// OS-only runtimes: `provided`, `provided.al2`, `provided.al2023`.
    OsOnly,
}

/// One managed runtime.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LambdaRuntime {
    /// The identifier (`python3.12`).
    pub id: &'static str,
    /// The language family.
    pub language: Language,
    /// The language version it carries, as the language numbers it (`3.12`, `20`, `8`); empty
    /// for the OS-only runtimes.
    pub version: &'static str,
    /// AWS's deprecation date (published for deprecated runtimes, projected for supported ones).
    pub deprecated: Date,
}

/// Whether a runtime is supported on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Support {
    /// Supported that day; AWS plans to deprecate it on the date given.
    Supported {
        /// The (projected) deprecation date.
        until: Date,
    },
    /// Deprecated on or before that day.
    Deprecated {
        /// The deprecation date.
        since: Date,
    },
}

impl LambdaRuntime {
    /// The runtime's support on `day`: deprecated from its deprecation date on (that day
    /// included, as AWS stops patching from the date it publishes).
    #[must_use]
    pub fn support_on(&self, day: Date) -> Support {
        if day >= self.deprecated {
            Support::Deprecated {
                since: self.deprecated,
            }
        } else {
            Support::Supported {
                until: self.deprecated,
            }
        }
    }

    /// True when the runtime is deprecated on `day`.
    #[must_use]
    pub fn is_deprecated_on(&self, day: Date) -> bool {
        matches!(self.support_on(day), Support::Deprecated { .. })
    }
}

const fn rt(
    id: &'static str,
    language: Language,
    version: &'static str,
    deprecated: Date,
) -> LambdaRuntime {
    LambdaRuntime {
        id,
        language,
        version,
        deprecated,
    }
}

use Language::{DotNet, Go, Java, NodeJs, OsOnly, Python, Ruby};

/// Every Lambda managed runtime identifier AWS has published, newest first within a language.
pub static LAMBDA_RUNTIMES: &[LambdaRuntime] = &[
    // Python.
    rt("python3.14", Python, "3.14", date!(2029 - 06 - 30)),
    rt("python3.13", Python, "3.13", date!(2029 - 06 - 30)),
    rt("python3.12", Python, "3.12", date!(2028 - 10 - 31)),
    rt("python3.11", Python, "3.11", date!(2026 - 06 - 30)),
    rt("python3.10", Python, "3.10", date!(2026 - 06 - 30)),
    rt("python3.9", Python, "3.9", date!(2025 - 12 - 15)),
    rt("python3.8", Python, "3.8", date!(2024 - 10 - 14)),
    rt("python3.7", Python, "3.7", date!(2023 - 12 - 04)),
    rt("python3.6", Python, "3.6", date!(2022 - 07 - 18)),
    rt("python2.7", Python, "2.7", date!(2021 - 07 - 15)),
    // Node.js.
    rt("nodejs24.x", NodeJs, "24", date!(2028 - 04 - 30)),
    rt("nodejs22.x", NodeJs, "22", date!(2027 - 04 - 30)),
    rt("nodejs20.x", NodeJs, "20", date!(2026 - 04 - 30)),
    rt("nodejs18.x", NodeJs, "18", date!(2025 - 09 - 01)),
    rt("nodejs16.x", NodeJs, "16", date!(2024 - 06 - 12)),
    rt("nodejs14.x", NodeJs, "14", date!(2023 - 12 - 04)),
    rt("nodejs12.x", NodeJs, "12", date!(2023 - 03 - 31)),
    rt("nodejs10.x", NodeJs, "10", date!(2021 - 07 - 30)),
    rt("nodejs8.10", NodeJs, "8", date!(2020 - 03 - 06)),
    rt("nodejs6.10", NodeJs, "6", date!(2019 - 08 - 12)),
    rt("nodejs4.3", NodeJs, "4", date!(2020 - 03 - 05)),
    rt("nodejs4.3-edge", NodeJs, "4", date!(2020 - 03 - 05)),
    rt("nodejs", NodeJs, "0.10", date!(2016 - 10 - 31)),
    // Java.
    rt("java25", Java, "25", date!(2029 - 06 - 30)),
    rt("java21", Java, "21", date!(2029 - 06 - 30)),
    rt("java17", Java, "17", date!(2026 - 06 - 30)),
    rt("java11", Java, "11", date!(2026 - 06 - 30)),
    rt("java8.al2", Java, "8", date!(2026 - 06 - 30)),
    rt("java8", Java, "8", date!(2024 - 01 - 08)),
    // .NET.
    rt("dotnet10", DotNet, "10", date!(2028 - 11 - 14)),
    rt("dotnet8", DotNet, "8", date!(2026 - 11 - 10)),
    rt("dotnet7", DotNet, "7", date!(2024 - 05 - 14)),
    rt("dotnet6", DotNet, "6", date!(2024 - 11 - 12)),
    rt("dotnet5.0", DotNet, "5", date!(2022 - 05 - 10)),
    rt("dotnetcore3.1", DotNet, "3.1", date!(2023 - 04 - 03)),
    rt("dotnetcore2.1", DotNet, "2.1", date!(2022 - 01 - 05)),
    rt("dotnetcore2.0", DotNet, "2.0", date!(2019 - 05 - 30)),
    rt("dotnetcore1.0", DotNet, "1.0", date!(2019 - 07 - 27)),
    // Ruby.
    rt("ruby3.4", Ruby, "3.4", date!(2028 - 03 - 31)),
    rt("ruby3.3", Ruby, "3.3", date!(2027 - 03 - 31)),
    rt("ruby3.2", Ruby, "3.2", date!(2026 - 03 - 31)),
    rt("ruby2.7", Ruby, "2.7", date!(2023 - 11 - 27)),
    rt("ruby2.5", Ruby, "2.5", date!(2021 - 07 - 30)),
    // Go (the go1.x runtime; Go now runs on the OS-only runtimes).
    rt("go1.x", Go, "1", date!(2024 - 01 - 08)),
    // OS-only.
    rt("provided.al2023", OsOnly, "", date!(2029 - 06 - 30)),
    rt("provided.al2", OsOnly, "", date!(2026 - 06 - 30)),
    rt("provided", OsOnly, "", date!(2024 - 01 - 08)),
];

/// The runtime with this identifier (ASCII case ignored); `None` for an identifier AWS has not
/// published (a check reports such a function `not_assessed`, never supported).
#[must_use]
pub fn by_id(id: &str) -> Option<&'static LambdaRuntime> {
    let id = id.trim();
    LAMBDA_RUNTIMES
        .iter()
        .find(|r| r.id.eq_ignore_ascii_case(id))
}

/// The runtime that carries a language version, as a lock file or version file states it.
///
/// `language` is one of `python`, `node`/`nodejs`/`node.js`, `java`, `dotnet`/`.net`, `ruby`
/// (ASCII case ignored). `version` may be more precise than the runtime (`3.9.18` matches
/// `python3.9`, `20.11.1` and `v20` match `nodejs20.x`, `1.8` matches Java 8). Where two
/// runtimes carry the same version (`java8` on Amazon Linux 1, `java8.al2`), the one supported
/// longest is returned. Go and OS-only runtimes have no language version to look up: `None`.
#[must_use]
pub fn by_language(language: &str, version: &str) -> Option<&'static LambdaRuntime> {
    let lang = match language.trim().to_ascii_lowercase().as_str() {
        "python" | "py" => Python,
        "node" | "nodejs" | "node.js" => NodeJs,
        "java" => Java,
        "dotnet" | ".net" | "dotnetcore" => DotNet,
        "ruby" => Ruby,
        _ => return None,
    };
    let version = version.trim().trim_start_matches(['v', 'V']);
    let mut parts = version.split('.');
    let major = parts.next().filter(|p| !p.is_empty())?;
    let minor = parts.next();
    let wanted = match lang {
        // Python and Ruby runtimes are per minor version.
        Python | Ruby => format!("{major}.{}", minor?),
        // Node.js: one runtime per major version from 10 on; 0.10 was the first.
        NodeJs if major == "0" => format!("0.{}", minor?),
        NodeJs => major.to_owned(),
        // Java 8 is also written 1.8.
        Java if major == "1" => minor?.to_owned(),
        Java => major.to_owned(),
        // .NET Core 1.0-3.1 are per minor version, .NET 5 on per major.
        DotNet if major.parse::<u32>().ok()? < 5 => format!("{major}.{}", minor?),
        DotNet => major.to_owned(),
        Go | OsOnly => return None,
    };
    LAMBDA_RUNTIMES
        .iter()
        .filter(|r| r.language == lang && r.version == wanted)
        .max_by_key(|r| r.deprecated)
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::{LAMBDA_RUNTIMES, Support, by_id, by_language};

    #[test]
    fn identifiers_are_unique_and_lowercase() {
        let mut ids: Vec<&str> = LAMBDA_RUNTIMES.iter().map(|r| r.id).collect();
        assert!(ids.iter().all(|id| id.to_ascii_lowercase() == *id));
        ids.sort_unstable();
        let n = ids.len();
        ids.dedup();
        assert_eq!(ids.len(), n);
    }

    #[test]
    fn python39_and_nodejs20_are_deprecated_at_the_end_of_2026() {
        // The case: a scan on 2026-12-03 must not see these as supported.
        let day = date!(2026 - 12 - 03);
        for id in [
            "python3.9",
            "nodejs20.x",
            "nodejs18.x",
            "ruby3.2",
            "python3.11",
            "java17",
        ] {
            let r = by_id(id).expect(id);
            assert!(r.is_deprecated_on(day), "{id}");
        }
        for id in [
            "python3.12",
            "python3.13",
            "nodejs22.x",
            "java21",
            "provided.al2023",
        ] {
            let r = by_id(id).expect(id);
            assert!(!r.is_deprecated_on(day), "{id}");
        }
    }

    #[test]
    fn the_deprecation_day_itself_counts_as_deprecated() {
        let r = by_id("nodejs20.x").expect("known");
        assert_eq!(
            r.support_on(date!(2026 - 04 - 29)),
            Support::Supported {
                until: date!(2026 - 04 - 30)
            }
        );
        assert_eq!(
            r.support_on(date!(2026 - 04 - 30)),
            Support::Deprecated {
                since: date!(2026 - 04 - 30)
            }
        );
    }

    #[test]
    fn lookup_by_identifier_ignores_case_and_knows_nothing_invented() {
        assert_eq!(by_id("Python3.9").map(|r| r.id), Some("python3.9"));
        assert_eq!(by_id("python3.99"), None);
        assert_eq!(by_id("nodejs26.x"), None);
        assert_eq!(by_id(""), None);
    }

    #[test]
    fn lookup_by_language_and_version() {
        let id = |l: &str, v: &str| by_language(l, v).map(|r| r.id);
        assert_eq!(id("python", "3.9"), Some("python3.9"));
        assert_eq!(id("Python", "3.9.18"), Some("python3.9"));
        assert_eq!(id("python", "3"), None);
        assert_eq!(id("node", "20"), Some("nodejs20.x"));
        assert_eq!(id("nodejs", "v20.11.1"), Some("nodejs20.x"));
        assert_eq!(id("node", "0.10.48"), Some("nodejs"));
        assert_eq!(id("node", "19"), None);
        assert_eq!(id("java", "1.8"), Some("java8.al2"));
        assert_eq!(id("java", "17.0.9"), Some("java17"));
        assert_eq!(id("dotnet", "8.0"), Some("dotnet8"));
        assert_eq!(id("dotnet", "3.1"), Some("dotnetcore3.1"));
        assert_eq!(id("ruby", "3.2.2"), Some("ruby3.2"));
        assert_eq!(id("go", "1.22"), None);
        assert_eq!(id("cobol", "1"), None);
    }
}
