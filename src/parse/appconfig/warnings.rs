//! The warnings list of a parse, capped so hostile input cannot make it grow without
//! bound; what is cut is counted in a final summary line, never silently dropped.

/// Most warnings kept in [`crate::parse::appconfig::Config::warnings`] (plus one summary line).
pub const MAX_WARNINGS: usize = 10_000;

/// Capped, ordered list of warning messages.
#[derive(Debug, Default)]
pub(crate) struct Warnings {
    list: Vec<String>,
    suppressed: u64,
}

impl Warnings {
    /// Records a warning, or counts it once the cap is reached.
    pub(crate) fn push(&mut self, msg: String) {
        if self.list.len() < MAX_WARNINGS {
            self.list.push(msg);
        } else {
            self.suppressed += 1;
        }
    }

    /// Final list, with a summary line if some were suppressed.
    pub(crate) fn into_vec(mut self) -> Vec<String> {
        if self.suppressed > 0 {
            self.list.push(format!(
                "{} further warnings suppressed (limit {MAX_WARNINGS})",
                self.suppressed
            ));
        }
        self.list
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cap_and_summary() {
        let mut w = Warnings::default();
        for i in 0..MAX_WARNINGS + 5 {
            w.push(i.to_string());
        }
        let v = w.into_vec();
        assert_eq!(v.len(), MAX_WARNINGS + 1);
        assert_eq!(
            v[MAX_WARNINGS],
            "5 further warnings suppressed (limit 10000)"
        );
    }
}
