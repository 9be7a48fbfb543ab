//! Layouts for logs without a `#Fields:` header: the default field lists IIS and
//! HTTP.sys write (domain.md §1.3, §2.3), chosen by the number of values on the line and
//! checked against the values' shape (dates, numbers, reason phrases).

use super::fields::Layout;
use crate::domain::httpsys;
use crate::time::{parse_date, parse_time_of_day};

const HTTPERR_12: &[&str] = &[
    "date",
    "time",
    "c-ip",
    "c-port",
    "s-ip",
    "s-port",
    "cs-version",
    "cs-method",
    "cs-uri",
    "sc-status",
    "s-siteid",
    "s-reason",
];
const HTTPERR_A: &[&str] = &[
    "date",
    "time",
    "c-ip",
    "c-port",
    "s-ip",
    "s-port",
    "cs-version",
    "cs-method",
    "cs-uri",
    "sc-status",
    "s-siteid",
    "s-reason",
    "s-queuename",
];
const HTTPERR_B: &[&str] = &[
    "date",
    "time",
    "c-ip",
    "c-port",
    "s-ip",
    "s-port",
    "cs-version",
    "cs-method",
    "cs-uri",
    "streamid",
    "sc-status",
    "s-siteid",
    "s-reason",
    "s-queuename",
];
const HTTPERR_C: &[&str] = &[
    "date",
    "time",
    "c-ip",
    "c-port",
    "s-ip",
    "s-port",
    "cs-version",
    "cs-method",
    "cs-uri",
    "streamid",
    "streamid_ex",
    "sc-status",
    "s-siteid",
    "s-reason",
    "s-queuename",
    "transport",
];
const HTTPERR_D: &[&str] = &[
    "date",
    "time",
    "c-ip",
    "c-port",
    "s-ip",
    "s-port",
    "cs-version",
    "cs-method",
    "cs-uri",
    "streamid",
    "streamid_ex",
    "sc-status",
    "s-siteid",
    "s-reason",
    "s-queuename",
    "transport",
    "fault-code",
    "extended-fault-code",
];

/// HTTP.sys layouts, newest last.
const HTTPERR_LAYOUTS: &[&[&str]] = &[HTTPERR_12, HTTPERR_A, HTTPERR_B, HTTPERR_C, HTTPERR_D];

const ACCESS_14: &[&str] = &[
    "date",
    "time",
    "s-ip",
    "cs-method",
    "cs-uri-stem",
    "cs-uri-query",
    "s-port",
    "cs-username",
    "c-ip",
    "cs(User-Agent)",
    "sc-status",
    "sc-substatus",
    "sc-win32-status",
    "time-taken",
];
const ACCESS_15: &[&str] = &[
    "date",
    "time",
    "s-ip",
    "cs-method",
    "cs-uri-stem",
    "cs-uri-query",
    "s-port",
    "cs-username",
    "c-ip",
    "cs(User-Agent)",
    "cs(Referer)",
    "sc-status",
    "sc-substatus",
    "sc-win32-status",
    "time-taken",
];
const ACCESS_16_HOST: &[&str] = &[
    "date",
    "time",
    "s-ip",
    "cs-method",
    "cs-uri-stem",
    "cs-uri-query",
    "s-port",
    "cs-username",
    "c-ip",
    "cs(User-Agent)",
    "cs(Referer)",
    "cs-host",
    "sc-status",
    "sc-substatus",
    "sc-win32-status",
    "time-taken",
];
const ACCESS_16_COMPUTER: &[&str] = &[
    "date",
    "time",
    "s-computername",
    "s-ip",
    "cs-method",
    "cs-uri-stem",
    "cs-uri-query",
    "s-port",
    "cs-username",
    "c-ip",
    "cs(User-Agent)",
    "cs(Referer)",
    "sc-status",
    "sc-substatus",
    "sc-win32-status",
    "time-taken",
];
const ACCESS_18_COOKIE_BYTES: &[&str] = &[
    "date",
    "time",
    "s-ip",
    "cs-method",
    "cs-uri-stem",
    "cs-uri-query",
    "s-port",
    "cs-username",
    "c-ip",
    "cs(User-Agent)",
    "cs(Cookie)",
    "cs(Referer)",
    "sc-status",
    "sc-substatus",
    "sc-win32-status",
    "sc-bytes",
    "cs-bytes",
    "time-taken",
];
const ACCESS_22: &[&str] = &[
    "date",
    "time",
    "s-sitename",
    "s-computername",
    "s-ip",
    "cs-method",
    "cs-uri-stem",
    "cs-uri-query",
    "s-port",
    "cs-username",
    "c-ip",
    "cs-version",
    "cs(User-Agent)",
    "cs(Cookie)",
    "cs(Referer)",
    "cs-host",
    "sc-status",
    "sc-substatus",
    "sc-win32-status",
    "sc-bytes",
    "cs-bytes",
    "time-taken",
];

/// IIS access layouts, tried in order.
const ACCESS_LAYOUTS: &[&[&str]] = &[
    ACCESS_14,
    ACCESS_15,
    ACCESS_16_HOST,
    ACCESS_16_COMPUTER,
    ACCESS_18_COOKIE_BYTES,
    ACCESS_22,
];

/// Custom fields a header-less line may carry after a default layout.
const MAX_TRAILING: usize = 3;

fn is_num(v: &str) -> bool {
    !v.is_empty() && v.len() <= 20 && v.bytes().all(|b| b.is_ascii_digit())
}

fn num_or_dash(v: &str) -> bool {
    v == "-" || is_num(v)
}

fn date_time_ok(values: &[&str]) -> bool {
    values.len() >= 2
        && parse_date(values[0].as_bytes()).is_some()
        && parse_time_of_day(values[1].as_bytes()).is_some()
}

/// Whether `values` fit the named layout's typed positions.
fn fits(names: &[&str], values: &[&str]) -> bool {
    if !date_time_ok(values) {
        return false;
    }
    names.iter().zip(values).all(|(n, v)| match *n {
        "sc-status" | "sc-substatus" | "sc-win32-status" | "time-taken" | "sc-bytes"
        | "cs-bytes" | "s-port" | "c-port" | "s-siteid" | "streamid" => num_or_dash(v),
        "s-reason" => httpsys::is_known(v),
        _ => true,
    })
}

fn with_trailing(names: &[&str], extra: usize) -> Layout {
    let mut all: Vec<String> = names.iter().map(|s| s.to_string()).collect();
    for k in 1..=extra {
        all.push(format!("x-unnamed-{k}"));
    }
    Layout::new(all, 0, true)
}

/// The HTTP.sys layout a header-less line fits, if any.
pub fn httperr_layout_for(values: &[&str]) -> Option<Layout> {
    HTTPERR_LAYOUTS
        .iter()
        .rev()
        .find(|l| l.len() == values.len() && fits(l, values))
        .map(|l| Layout::from_static(l, true))
}

/// The IIS access layout a header-less line fits, if any (a default layout, possibly
/// followed by a few custom fields such as X-Forwarded-For).
pub fn access_layout_for(values: &[&str]) -> Option<Layout> {
    for extra in 0..=MAX_TRAILING {
        for l in ACCESS_LAYOUTS {
            if l.len() + extra == values.len() && fits(l, &values[..l.len()]) {
                return Some(with_trailing(l, extra));
            }
        }
    }
    None
}

/// Whether a header-less line looks like an HTTP.sys error log line.
pub fn looks_like_httperr_line(values: &[&str]) -> bool {
    httperr_layout_for(values).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(s: &str) -> Vec<&str> {
        s.split(' ').collect()
    }

    #[test]
    fn picks_httperr_layout_by_count_and_reason() {
        let l = httperr_layout_for(&split("2018-05-05 05:05:55 149.42.83.135 12345 192.168.101.101 443 HTTP/1.1 GET /x 400 - URL -")).unwrap();
        assert_eq!(l.len(), 13);
        assert!(httperr_layout_for(&split("2022-10-05 10:43:56 172.16.1.1 user1 192.168.2.2 21 ControlChannelClosed - - 0 0 8124db49 -")).is_none());
    }

    #[test]
    fn tells_a_trailing_custom_field_from_cs_host() {
        let xff = split("2020-10-07 23:00:17 192.168.16.11 POST /a - 443 - 192.168.7.63 UA https://r 200 0 0 26 192.168.198.23");
        let l = access_layout_for(&xff).unwrap();
        assert_eq!(l.names.last().unwrap(), "x-unnamed-1");
        let host = split("2022-05-09 17:10:04 10.119.32.8 POST /c - 443 - 10.119.0.62 UA - host.example 200 0 0 26");
        let l = access_layout_for(&host).unwrap();
        assert_eq!(l.names[11], "cs-host");
    }
}
