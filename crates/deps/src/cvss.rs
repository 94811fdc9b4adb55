//! CVSS v3.0/v3.1 base score from a vector string (FIRST, "CVSS v3.1 Specification Document",
//! section 7.1 base metric equations and appendix A `Roundup`).

use rampart_model::Severity;

/// The base score of a `CVSS:3.x/...` vector, or why it cannot be computed.
///
/// # Errors
/// When the vector is not CVSS 3.x or lacks a base metric.
pub fn base_score(vector: &str) -> Result<f64, String> {
    let mut parts = vector.split('/');
    let version = parts.next().unwrap_or_default();
    let v31 = match version {
        "CVSS:3.1" => true,
        "CVSS:3.0" => false,
        _ => return Err(format!("`{vector}` is not a CVSS v3 vector")),
    };
    let (mut av, mut ac, mut pr, mut ui, mut s, mut c, mut i, mut a) =
        (None, None, None, None, None, None, None, None);
    for part in parts {
        let Some((k, v)) = part.split_once(':') else {
            return Err(format!("`{vector}`: `{part}` is not METRIC:VALUE"));
        };
        match k {
            "AV" => av = Some(v),
            "AC" => ac = Some(v),
            "PR" => pr = Some(v),
            "UI" => ui = Some(v),
            "S" => s = Some(v),
            "C" => c = Some(v),
            "I" => i = Some(v),
            "A" => a = Some(v),
            _ => {} // temporal and environmental metrics do not change the base score
        }
    }
    let bad = |m: &str| format!("`{vector}`: base metric {m} missing or invalid");
    let changed = match s {
        Some("U") => false,
        Some("C") => true,
        _ => return Err(bad("S")),
    };
    let av = match av {
        Some("N") => 0.85,
        Some("A") => 0.62,
        Some("L") => 0.55,
        Some("P") => 0.2,
        _ => return Err(bad("AV")),
    };
    let ac = match ac {
        Some("L") => 0.77,
        Some("H") => 0.44,
        _ => return Err(bad("AC")),
    };
    let pr = match (pr, changed) {
        (Some("N"), _) => 0.85,
        (Some("L"), false) => 0.62,
        (Some("L"), true) => 0.68,
        (Some("H"), false) => 0.27,
        (Some("H"), true) => 0.5,
        _ => return Err(bad("PR")),
    };
    let ui = match ui {
        Some("N") => 0.85,
        Some("R") => 0.62,
        _ => return Err(bad("UI")),
    };
    let cia = |m: Option<&str>, name: &str| match m {
        Some("H") => Ok(0.56),
        Some("L") => Ok(0.22),
        Some("N") => Ok(0.0),
        _ => Err(bad(name)),
    };
    let (c, i, a) = (cia(c, "C")?, cia(i, "I")?, cia(a, "A")?);
    let iss = 1.0 - ((1.0 - c) * (1.0 - i) * (1.0 - a));
    let impact = if changed {
        7.52 * (iss - 0.029) - 3.25 * (iss - 0.02_f64).powi(15)
    } else {
        6.42 * iss
    };
    let exploitability = 8.22 * av * ac * pr * ui;
    if impact <= 0.0 {
        return Ok(0.0);
    }
    let raw = if changed {
        (1.08 * (impact + exploitability)).min(10.0)
    } else {
        (impact + exploitability).min(10.0)
    };
    Ok(if v31 { roundup(raw) } else { roundup_30(raw) })
}

/// CVSS 3.1 appendix A: the smallest number with one decimal that is >= the input, computed on
/// integers so that floating-point noise (4.000000001) does not round up.
fn roundup(x: f64) -> f64 {
    #[allow(clippy::cast_possible_truncation)]
    let int = (x * 100_000.0).round() as i64;
    if int % 10_000 == 0 {
        int as f64 / 100_000.0
    } else {
        ((int / 10_000) + 1) as f64 / 10.0
    }
}

/// CVSS 3.0's round up: the ceiling to one decimal.
fn roundup_30(x: f64) -> f64 {
    (x * 10.0).ceil() / 10.0
}

/// The qualitative rating of a score (CVSS v3.1 section 5): 0.1-3.9 low, 4.0-6.9 medium,
/// 7.0-8.9 high, 9.0-10.0 critical; 0 is "none", reported as info.
#[must_use]
pub fn rating(score: f64) -> Severity {
    if score >= 9.0 {
        Severity::Critical
    } else if score >= 7.0 {
        Severity::High
    } else if score >= 4.0 {
        Severity::Medium
    } else if score > 0.0 {
        Severity::Low
    } else {
        Severity::Info
    }
}

/// A severity word as databases write it (GHSA `MODERATE`, RustSec `high`…).
#[must_use]
pub fn from_word(word: &str) -> Option<Severity> {
    match word.trim().to_ascii_lowercase().as_str() {
        "critical" => Some(Severity::Critical),
        "high" | "important" => Some(Severity::High),
        "moderate" | "medium" => Some(Severity::Medium),
        "low" => Some(Severity::Low),
        "none" | "info" | "informational" => Some(Severity::Info),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Scores as published by NVD for these vectors (CVSS 3.1 calculator results).
    #[test]
    fn known_base_scores() {
        let cases = [
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8),
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0),
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1),
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", 7.5),
            ("CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 7.8),
            ("CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N", 5.9),
            ("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:L/I:N/A:N", 4.3),
            ("CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N", 1.6),
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0.0),
            ("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8),
            ("CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:C/C:L/I:L/A:N/E:P", 5.5),
        ];
        for (v, want) in cases {
            let got = base_score(v).unwrap_or_else(|e| panic!("{e}"));
            assert!((got - want).abs() < 1e-9, "{v}: {got} != {want}");
        }
        assert_eq!(rating(9.8), Severity::Critical);
        assert_eq!(rating(6.1), Severity::Medium);
        assert!(base_score("CVSS:2.0/AV:N").is_err());
        assert!(base_score("CVSS:3.1/AV:N/AC:L").is_err());
    }
}
