//! `docs/coverage.md` counts some controls as covered by a command other than `scan`
//! (`rampart_checks::docs::COMMANDS`). Hold that list to the command: the secret scanner must
//! have reported rules for each control it claims.

#[test]
fn every_command_served_control_has_rules_of_the_secret_scanner() {
    let catalogue = rampart_secrets::Catalogue::builtin().expect("the built-in catalogue");
    for (control, how) in rampart_checks::docs::COMMANDS {
        assert!(how.contains("rampart secrets"), "{control}: {how}");
        let rules: Vec<&str> = catalogue
            .rules
            .iter()
            .filter(|r| r.control == *control && !r.spec.hidden)
            .map(|r| r.spec.id.as_str())
            .collect();
        assert!(
            !rules.is_empty(),
            "{control} is listed as served by `rampart secrets`, which has no rule for it"
        );
    }
}
