//! Facts of the Windows event log shared by every form it comes in: the level numbers
//! and the names Event Viewer and PowerShell display for them (English first: the name
//! corvid writes), and the log (channel) names corvid recognises in a file name.

/// Level numbers and their display names: English, then German and French (the
/// display languages seen in exports).
pub const LEVELS: &[(i32, &[&str])] = &[
    (1, &["Critical", "Kritisch", "Critique"]),
    (2, &["Error", "Fehler", "Erreur"]),
    (3, &["Warning", "Warnung", "Avertissement"]),
    (4, &["Information", "Informationen", "Informations"]),
    (5, &["Verbose", "Ausführlich", "Détaillé"]),
];

/// Security log levels that are audit results rather than severities (level 0).
pub const AUDIT_NAMES: &[&str] = &["Audit Success", "Audit Failure"];

/// The level number of a display name (or of the number itself).
pub fn level_of(name: &str) -> Option<i32> {
    let name = name.trim();
    if let Ok(n) = name.parse::<i32>() {
        return Some(n);
    }
    if AUDIT_NAMES.iter().any(|a| a.eq_ignore_ascii_case(name)) {
        return Some(0);
    }
    LEVELS
        .iter()
        .find(|(_, names)| names.iter().any(|n| n.eq_ignore_ascii_case(name)))
        .map(|(n, _)| *n)
}

/// The English display name of a level (Information for 0 and unknown levels, as
/// Event Viewer shows classic events).
pub fn level_name(level: i32) -> &'static str {
    LEVELS
        .iter()
        .find(|(n, _)| *n == level)
        .map_or("Information", |(_, names)| names[0])
}

/// The logs corvid names from a file name (`WEB01-System.csv`).
pub const CHANNELS: &[&str] = &["System", "Application", "Security", "Setup"];

/// The log a file holds, from its name.
pub fn channel_of_path(path: &str) -> Option<&'static str> {
    let name = path
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(path)
        .to_ascii_lowercase();
    CHANNELS
        .iter()
        .copied()
        .find(|c| name.contains(&c.to_ascii_lowercase()))
}
