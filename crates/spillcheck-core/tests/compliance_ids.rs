//! Every control id `compliance.toml` names is a real id of the framework version it names:
//! `tests/data/controls/<framework>.txt` lists them, written from the sources named at the
//! top of each list (the release CSV of ASVS 5.0.0, the PCI DSS v4.0 control file, the 2017
//! TSC, 45 CFR 164.312, GDPR Articles 5/25/32, the SP 800-53 r5 OSCAL catalog).

use std::collections::BTreeSet;
use std::path::PathBuf;

use spillcheck_core::compliance::mapping;

fn ids(framework: &str) -> BTreeSet<String> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/controls")
        .join(format!("{framework}.txt"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .map(|l| l.split('#').next().unwrap_or_default().trim())
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

#[test]
fn every_mapped_control_is_a_real_id_of_its_version() {
    let m = mapping();
    assert_eq!(m.frameworks().len(), 6);
    for fw in m.frameworks() {
        let real = ids(&fw.id);
        assert!(
            real.len() > 10,
            "{}: the list is too short to mean anything",
            fw.id
        );
        for control in fw.controls.keys() {
            assert!(
                real.contains(control),
                "{} {control} is not an id of {} {}",
                fw.id,
                fw.name,
                fw.version
            );
        }
    }
}

#[test]
fn a_made_up_id_would_be_caught() {
    // The lists are not the mapping's own ids: they hold ids nobody maps to.
    assert!(ids("asvs").contains("V1.1.1") && !ids("asvs").contains("V99.1.1"));
    assert!(ids("nist-800-53").contains("PM-32") && !ids("nist-800-53").contains("AC-26"));
    assert!(ids("pci-dss").contains("12.10.7") && ids("soc2").contains("PI1.5"));
    assert!(ids("hipaa").contains("164.312(b)") && ids("gdpr").contains("Art. 5(1)(a)"));
}
