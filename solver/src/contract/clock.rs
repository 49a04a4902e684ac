//! Wire forms of local times: `"HH:MM"` and `"YYYY-MM-DDTHH:MM"`.

use chrono::{NaiveDate, NaiveDateTime};
use schemars::JsonSchema;
use serde::{de, Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A local time of day, `"HH:MM"`, held as minutes after midnight.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Clock(pub i32);

impl Clock {
    /// Minutes after midnight.
    pub fn minutes(self) -> i32 {
        self.0
    }

    /// Parses `"HH:MM"` (00:00 to 23:59).
    pub fn parse(text: &str) -> Option<Clock> {
        let (h, m) = text.split_once(':')?;
        if h.len() != 2 || m.len() != 2 {
            return None;
        }
        let h: i32 = h.parse().ok()?;
        let m: i32 = m.parse().ok()?;
        ((0..24).contains(&h) && (0..60).contains(&m)).then_some(Clock(h * 60 + m))
    }
}

/// Formats minutes after midnight as `"HH:MM"`; minutes past 24:00 keep counting hours.
pub fn format_minutes(minutes: i32) -> String {
    format!("{:02}:{:02}", minutes.div_euclid(60), minutes.rem_euclid(60))
}

impl fmt::Display for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format_minutes(self.0))
    }
}

impl Serialize for Clock {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Clock {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Clock::parse(&text).ok_or_else(|| de::Error::custom(format!("'{text}' is not a time \"HH:MM\"")))
    }
}

impl JsonSchema for Clock {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Clock".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$",
            "description": "local time HH:MM"})
    }
}

/// A local date and time `"YYYY-MM-DDTHH:MM"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DateTime(pub NaiveDateTime);

impl DateTime {
    /// The calendar date.
    pub fn date(self) -> NaiveDate {
        self.0.date()
    }
    /// Minutes after midnight of [`DateTime::date`].
    pub fn clock(self) -> Clock {
        use chrono::Timelike;
        Clock((self.0.hour() * 60 + self.0.minute()) as i32)
    }
}

impl Serialize for DateTime {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.format("%Y-%m-%dT%H:%M").to_string())
    }
}

impl<'de> Deserialize<'de> for DateTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        NaiveDateTime::parse_from_str(&text, "%Y-%m-%dT%H:%M")
            .map(DateTime)
            .map_err(|_| de::Error::custom(format!("'{text}' is not a date-time \"YYYY-MM-DDTHH:MM\"")))
    }
}

impl JsonSchema for DateTime {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "DateTime".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}$",
            "description": "local date-time YYYY-MM-DDTHH:MM"})
    }
}

/// A calendar date `"YYYY-MM-DD"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub NaiveDate);

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.format("%Y-%m-%d").to_string())
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        NaiveDate::parse_from_str(&text, "%Y-%m-%d")
            .ok()
            .filter(|_| text.len() == 10)
            .map(Date)
            .ok_or_else(|| de::Error::custom(format!("'{text}' is not a date \"YYYY-MM-DD\"")))
    }
}

impl JsonSchema for Date {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Date".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"type": "string", "format": "date", "description": "local date YYYY-MM-DD"})
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%Y-%m-%d"))
    }
}
