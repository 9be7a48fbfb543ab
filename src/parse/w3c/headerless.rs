//! Layouts for logs without a `#Fields:` header: the default field lists IIS and
//! HTTP.sys write (domain.md §1.3, §2.3), chosen by the number of values on the line and
//! checked against the values' shape (dates, numbers, reason phrases).

use super::fields::{Field, Layout};
use crate::domain::httpsys;
use crate::time::{parse_date, parse_time_of_day};

const HTTPERR_12: &[Field] = &[
    Field::Date,
    Field::Time,
    Field::CIp,
    Field::CPort,
    Field::SIp,
    Field::SPort,
    Field::CsVersion,
    Field::CsMethod,
    Field::CsUri,
    Field::ScStatus,
    Field::SSiteId,
    Field::SReason,
];
const HTTPERR_A: &[Field] = &[
    Field::Date,
    Field::Time,
    Field::CIp,
    Field::CPort,
    Field::SIp,
    Field::SPort,
    Field::CsVersion,
    Field::CsMethod,
    Field::CsUri,
    Field::ScStatus,
    Field::SSiteId,
    Field::SReason,
    Field::SQueueName,
];
const HTTPERR_B: &[Field] = &[
    Field::Date,
    Field::Time,
    Field::CIp,
    Field::CPort,
    Field::SIp,
    Field::SPort,
    Field::CsVersion,
    Field::CsMethod,
    Field::CsUri,
    Field::StreamId,
    Field::ScStatus,
    Field::SSiteId,
    Field::SReason,
    Field::SQueueName,
];
const HTTPERR_C: &[Field] = &[
    Field::Date,
    Field::Time,
    Field::CIp,
    Field::CPort,
    Field::SIp,
    Field::SPort,
    Field::CsVersion,
    Field::CsMethod,
    Field::CsUri,
    Field::StreamId,
    Field::StreamIdEx,
    Field::ScStatus,
    Field::SSiteId,
    Field::SReason,
    Field::SQueueName,
    Field::Transport,
];
const HTTPERR_D: &[Field] = &[
    Field::Date,
    Field::Time,
    Field::CIp,
    Field::CPort,
    Field::SIp,
    Field::SPort,
    Field::CsVersion,
    Field::CsMethod,
    Field::CsUri,
    Field::StreamId,
    Field::StreamIdEx,
    Field::ScStatus,
    Field::SSiteId,
    Field::SReason,
    Field::SQueueName,
    Field::Transport,
    Field::FaultCode,
    Field::ExtendedFaultCode,
];

/// HTTP.sys layouts, newest last.
const HTTPERR_LAYOUTS: &[&[Field]] = &[HTTPERR_12, HTTPERR_A, HTTPERR_B, HTTPERR_C, HTTPERR_D];

const ACCESS_14: &[Field] = &[
    Field::Date,
    Field::Time,
    Field::SIp,
    Field::CsMethod,
    Field::CsUriStem,
    Field::CsUriQuery,
    Field::SPort,
    Field::CsUsername,
    Field::CIp,
    Field::UserAgent,
    Field::ScStatus,
    Field::ScSubstatus,
    Field::ScWin32Status,
    Field::TimeTaken,
];
const ACCESS_15: &[Field] = &[
    Field::Date,
    Field::Time,
    Field::SIp,
    Field::CsMethod,
    Field::CsUriStem,
    Field::CsUriQuery,
    Field::SPort,
    Field::CsUsername,
    Field::CIp,
    Field::UserAgent,
    Field::Referer,
    Field::ScStatus,
    Field::ScSubstatus,
    Field::ScWin32Status,
    Field::TimeTaken,
];
const ACCESS_16_HOST: &[Field] = &[
    Field::Date,
    Field::Time,
    Field::SIp,
    Field::CsMethod,
    Field::CsUriStem,
    Field::CsUriQuery,
    Field::SPort,
    Field::CsUsername,
    Field::CIp,
    Field::UserAgent,
    Field::Referer,
    Field::CsHost,
    Field::ScStatus,
    Field::ScSubstatus,
    Field::ScWin32Status,
    Field::TimeTaken,
];
const ACCESS_16_COMPUTER: &[Field] = &[
    Field::Date,
    Field::Time,
    Field::SComputerName,
    Field::SIp,
    Field::CsMethod,
    Field::CsUriStem,
    Field::CsUriQuery,
    Field::SPort,
    Field::CsUsername,
    Field::CIp,
    Field::UserAgent,
    Field::Referer,
    Field::ScStatus,
    Field::ScSubstatus,
    Field::ScWin32Status,
    Field::TimeTaken,
];
const ACCESS_16_COOKIE: &[Field] = &[
    Field::Date,
    Field::Time,
    Field::SIp,
    Field::CsMethod,
    Field::CsUriStem,
    Field::CsUriQuery,
    Field::SPort,
    Field::CsUsername,
    Field::CIp,
    Field::UserAgent,
    Field::Cookie,
    Field::Referer,
    Field::ScStatus,
    Field::ScSubstatus,
    Field::ScWin32Status,
    Field::TimeTaken,
];
const ACCESS_17_BYTES: &[Field] = &[
    Field::Date,
    Field::Time,
    Field::SIp,
    Field::CsMethod,
    Field::CsUriStem,
    Field::CsUriQuery,
    Field::SPort,
    Field::CsUsername,
    Field::CIp,
    Field::UserAgent,
    Field::Referer,
    Field::ScStatus,
    Field::ScSubstatus,
    Field::ScWin32Status,
    Field::ScBytes,
    Field::CsBytes,
    Field::TimeTaken,
];
const ACCESS_18_COOKIE_BYTES: &[Field] = &[
    Field::Date,
    Field::Time,
    Field::SIp,
    Field::CsMethod,
    Field::CsUriStem,
    Field::CsUriQuery,
    Field::SPort,
    Field::CsUsername,
    Field::CIp,
    Field::UserAgent,
    Field::Cookie,
    Field::Referer,
    Field::ScStatus,
    Field::ScSubstatus,
    Field::ScWin32Status,
    Field::ScBytes,
    Field::CsBytes,
    Field::TimeTaken,
];
const ACCESS_22: &[Field] = &[
    Field::Date,
    Field::Time,
    Field::SSiteName,
    Field::SComputerName,
    Field::SIp,
    Field::CsMethod,
    Field::CsUriStem,
    Field::CsUriQuery,
    Field::SPort,
    Field::CsUsername,
    Field::CIp,
    Field::CsVersion,
    Field::UserAgent,
    Field::Cookie,
    Field::Referer,
    Field::CsHost,
    Field::ScStatus,
    Field::ScSubstatus,
    Field::ScWin32Status,
    Field::ScBytes,
    Field::CsBytes,
    Field::TimeTaken,
];

/// IIS access layouts, tried in order.
const ACCESS_LAYOUTS: &[&[Field]] = &[
    ACCESS_14,
    ACCESS_15,
    ACCESS_16_HOST,
    ACCESS_16_COMPUTER,
    ACCESS_16_COOKIE,
    ACCESS_17_BYTES,
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

/// Whether `values` fit the layout's typed positions.
fn fits(fields: &[Field], values: &[&str]) -> bool {
    if !date_time_ok(values) {
        return false;
    }
    fields.iter().zip(values).all(|(f, v)| match f {
        Field::ScStatus
        | Field::ScSubstatus
        | Field::ScWin32Status
        | Field::TimeTaken
        | Field::ScBytes
        | Field::CsBytes
        | Field::SPort
        | Field::CPort
        | Field::SSiteId
        | Field::StreamId => num_or_dash(v),
        Field::SReason => httpsys::is_known(v),
        Field::SIp | Field::CIp => *v == "-" || is_address(v),
        Field::CsMethod => {
            *v == "-"
                || v.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        }
        // A host name is not a number (a status read one place too early).
        Field::CsHost => !is_num(v),
        // A referrer is a URL (or a bare host), not a `name=value` cookie.
        Field::Referer => *v == "-" || v.contains("://") || !v.contains('='),
        _ => true,
    })
}

/// An IP address, with or without an IPv6 zone.
fn is_address(v: &str) -> bool {
    crate::parse::values::split_zone(v)
        .0
        .parse::<std::net::IpAddr>()
        .is_ok()
}

/// The HTTP.sys layout a header-less line fits, if any.
pub fn httperr_layout_for(values: &[&str]) -> Option<Layout> {
    HTTPERR_LAYOUTS
        .iter()
        .rev()
        .find(|l| l.len() == values.len() && fits(l, values))
        .map(|l| Layout::inferred(l, 0))
}

/// The IIS access layout a header-less line fits, if any (a default layout, possibly
/// followed by a few custom fields such as X-Forwarded-For).
pub fn access_layout_for(values: &[&str]) -> Option<Layout> {
    for extra in 0..=MAX_TRAILING {
        for l in ACCESS_LAYOUTS {
            if l.len() + extra == values.len() && fits(l, &values[..l.len()]) {
                return Some(Layout::inferred(l, extra));
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
