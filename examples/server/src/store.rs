//! Storage: the engine's enrollment as JSON in a row with a version column, the lookup keys,
//! users, timers and enrolled devices. SQLite (WAL) embedded, or PostgreSQL when several
//! instances share one database; one schema and one migration set through sqlx's Any driver.
//!
//! A change is written with `UPDATE … WHERE version = expected`: two instances can never both
//! advance one enrollment; the loser sees [`Commit::Conflict`] and handles the request again
//! against the new state. The effects of a step are written in the same transaction.

use enrollkit::flow::clock::Timestamp;
use enrollkit::flow::identity::UserKey;
use enrollkit::flow::web::DirectoryUser;
use enrollkit::protocol::checkin::DeviceId;
use enrollkit::protocol::engine::{Effect, Enrollment, LookupKey, NewUser};
use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyPool, Row};

/// A stored enrollment and the version it was read at.
#[derive(Debug, Clone)]
pub struct Stored {
    /// The enrollment.
    pub enrollment: Enrollment,
    /// Its version.
    pub version: i64,
}

/// What a write came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Commit {
    /// Written.
    Done,
    /// Another request advanced the enrollment first: nothing was written.
    Conflict,
}

/// Storage errors, with the statement's purpose.
#[derive(Debug, thiserror::Error)]
#[error("{what}: {source}")]
pub struct StoreError {
    what: &'static str,
    #[source]
    source: sqlx::Error,
}

fn err(what: &'static str) -> impl FnOnce(sqlx::Error) -> StoreError {
    move |source| StoreError { what, source }
}

/// The store.
#[derive(Clone)]
pub struct Store {
    /// Reads (and, on PostgreSQL, writes).
    pool: AnyPool,
    /// Transactions and other writes.
    writer: AnyPool,
}

fn pool_options(sqlite: bool, connections: u32) -> AnyPoolOptions {
    AnyPoolOptions::new()
        .max_connections(connections)
        .after_connect(move |conn, _| {
            Box::pin(async move {
                if sqlite {
                    sqlx::query("PRAGMA synchronous = NORMAL")
                        .execute(&mut *conn)
                        .await?;
                    sqlx::query("PRAGMA busy_timeout = 10000")
                        .execute(&mut *conn)
                        .await?;
                }
                Ok(())
            })
        })
}

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

fn device_columns(device: &DeviceId) -> (&'static str, &str) {
    match device {
        DeviceId::Udid(id) => ("udid", id),
        DeviceId::EnrollmentId(id) => ("enrollment_id", id),
    }
}

impl Store {
    /// Connects (creating a SQLite file when needed), turns on WAL for SQLite, and migrates.
    pub async fn open(url: &str, max_connections: u32) -> Result<Store, StoreError> {
        install_default_drivers();
        let sqlite = url.starts_with("sqlite:");
        if sqlite && url.contains("memory") {
            // Each connection would open a database of its own.
            return Err(StoreError {
                what: "opening the database",
                source: sqlx::Error::Configuration(
                    "an in-memory SQLite database is private to one connection; give a file (sqlite://state/enrollkit.db?mode=rwc)".into(),
                ),
            });
        }
        let connections = if sqlite {
            max_connections.min(8)
        } else {
            max_connections
        };
        let pool = pool_options(sqlite, connections)
            .connect(url)
            .await
            .map_err(err("connecting to the database"))?;
        if sqlite {
            sqlx::query("PRAGMA journal_mode = WAL")
                .execute(&pool)
                .await
                .map_err(err("turning on WAL"))?;
        }
        MIGRATOR.run(&pool).await.map_err(|e| StoreError {
            what: "migrating",
            source: e.into(),
        })?;
        // SQLite takes one writer at a time; concurrent writers on several connections would
        // wait for its lock in the busy handler's millisecond sleeps. One writing connection
        // queues them in the pool instead, while reads use the others (WAL lets them run
        // beside the writer).
        let writer = if sqlite {
            pool_options(true, 1)
                .connect(url)
                .await
                .map_err(err("connecting to the database"))?
        } else {
            pool.clone()
        };
        Ok(Store { pool, writer })
    }

    fn row_to_stored(row: &sqlx::any::AnyRow) -> Result<Stored, StoreError> {
        let state: String = row.try_get("state").map_err(err("reading an enrollment"))?;
        let version: i64 = row
            .try_get("version")
            .map_err(err("reading an enrollment"))?;
        let enrollment = serde_json::from_str(&state).map_err(|e| StoreError {
            what: "decoding an enrollment",
            source: sqlx::Error::Decode(Box::new(e)),
        })?;
        Ok(Stored {
            enrollment,
            version,
        })
    }

    /// The enrollment with this ID.
    pub async fn load(&self, id: &str) -> Result<Option<Stored>, StoreError> {
        let row = sqlx::query("SELECT state, version FROM enrollments WHERE id = $1")
            .bind(id.to_owned())
            .fetch_optional(&self.pool)
            .await
            .map_err(err("loading an enrollment"))?;
        row.as_ref().map(Self::row_to_stored).transpose()
    }

    /// The enrollment indexed under `key`.
    pub async fn load_by_key(&self, key: &LookupKey) -> Result<Option<Stored>, StoreError> {
        let row = sqlx::query(
            "SELECT e.state, e.version FROM lookup_keys k JOIN enrollments e ON e.id = k.enrollment WHERE k.lookup_key = $1",
        )
        .bind(key.to_key_string())
        .fetch_optional(&self.pool)
        .await
        .map_err(err("looking up an enrollment"))?;
        row.as_ref().map(Self::row_to_stored).transpose()
    }

    /// The user stored under issuer + subject.
    pub async fn user(&self, key: &UserKey) -> Result<Option<DirectoryUser>, StoreError> {
        let row =
            sqlx::query("SELECT managed_apple_id FROM users WHERE issuer = $1 AND subject = $2")
                .bind(key.issuer.clone())
                .bind(key.subject.clone())
                .fetch_optional(&self.pool)
                .await
                .map_err(err("looking up a user"))?;
        Ok(row.map(|r| DirectoryUser {
            key: key.clone(),
            managed_apple_account: r
                .try_get::<Option<String>, _>("managed_apple_id")
                .ok()
                .flatten(),
        }))
    }

    /// Writes the enrollment (`expected`: the version it was read at, `None` for a new one)
    /// and the effects, in one transaction.
    pub async fn commit(
        &self,
        enrollment: Option<&Enrollment>,
        expected: Option<i64>,
        effects: &[Effect],
        now: Timestamp,
    ) -> Result<Commit, StoreError> {
        let mut tx = self
            .writer
            .begin()
            .await
            .map_err(err("starting a transaction"))?;
        if let Some(e) = enrollment {
            let state = serde_json::to_string(e).map_err(|x| StoreError {
                what: "encoding an enrollment",
                source: sqlx::Error::Encode(Box::new(x)),
            })?;
            let written = match expected {
                None => sqlx::query(
                    "INSERT INTO enrollments (id, version, exchange, state_name, state, created_at, updated_at) VALUES ($1, 1, $2, $3, $4, $5, $5) ON CONFLICT (id) DO NOTHING",
                )
                .bind(e.id.clone())
                .bind(e.exchange.as_str().to_owned())
                .bind(e.state().to_owned())
                .bind(state)
                .bind(now.unix())
                .execute(&mut *tx)
                .await
                .map_err(err("storing a new enrollment"))?,
                Some(v) => sqlx::query(
                    "UPDATE enrollments SET version = $1, state_name = $2, state = $3, updated_at = $4 WHERE id = $5 AND version = $6",
                )
                .bind(v + 1)
                .bind(e.state().to_owned())
                .bind(state)
                .bind(now.unix())
                .bind(e.id.clone())
                .bind(v)
                .execute(&mut *tx)
                .await
                .map_err(err("updating an enrollment"))?,
            };
            if written.rows_affected() == 0 {
                tx.rollback().await.map_err(err("rolling back"))?;
                return Ok(Commit::Conflict);
            }
        }
        for effect in effects {
            apply(&mut tx, effect, now).await?;
        }
        tx.commit().await.map_err(err("committing"))?;
        Ok(Commit::Done)
    }

    /// Timers due at `now`, oldest first.
    pub async fn due_timers(
        &self,
        now: Timestamp,
        limit: i64,
    ) -> Result<Vec<(String, i64)>, StoreError> {
        let rows = sqlx::query(
            "SELECT enrollment, due_at FROM timers WHERE due_at <= $1 ORDER BY due_at LIMIT $2",
        )
        .bind(now.unix())
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(err("reading timers"))?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("enrollment").map_err(err("reading timers"))?,
                    r.try_get("due_at").map_err(err("reading timers"))?,
                ))
            })
            .collect()
    }

    /// Drops a timer that ran.
    pub async fn delete_timer(&self, enrollment: &str, due_at: i64) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM timers WHERE enrollment = $1 AND due_at = $2")
            .bind(enrollment.to_owned())
            .bind(due_at)
            .execute(&self.writer)
            .await
            .map_err(err("deleting a timer"))?;
        Ok(())
    }

    /// The most recently changed enrollments (the admin view).
    pub async fn recent(&self, limit: i64) -> Result<Vec<Stored>, StoreError> {
        let rows = sqlx::query(
            "SELECT state, version FROM enrollments ORDER BY updated_at DESC, id LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(err("listing enrollments"))?;
        rows.iter().map(Self::row_to_stored).collect()
    }

    /// Enrollments per state, users, enrolled devices (the admin view and the tests).
    pub async fn counts(&self) -> Result<serde_json::Value, StoreError> {
        let rows =
            sqlx::query("SELECT state_name, COUNT(*) AS n FROM enrollments GROUP BY state_name")
                .fetch_all(&self.pool)
                .await
                .map_err(err("counting enrollments"))?;
        let mut states = serde_json::Map::new();
        for r in &rows {
            let name: String = r.try_get("state_name").map_err(err("counting"))?;
            let n: i64 = r.try_get("n").map_err(err("counting"))?;
            states.insert(name, n.into());
        }
        let one = |sql: &'static str| async move {
            sqlx::query(sql)
                .fetch_one(&self.pool)
                .await
                .map_err(err("counting"))
                .and_then(|r| r.try_get::<i64, _>("n").map_err(err("counting")))
        };
        Ok(serde_json::json!({
            "states": states,
            "users": one("SELECT COUNT(*) AS n FROM users").await?,
            "devices": one("SELECT COUNT(*) AS n FROM devices WHERE enrolled_at IS NOT NULL").await?,
            "distinct_devices": one("SELECT COUNT(DISTINCT device_id) AS n FROM devices").await?,
        }))
    }
}

async fn apply(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    effect: &Effect,
    now: Timestamp,
) -> Result<(), StoreError> {
    match effect {
        Effect::Index { key, enrollment } => {
            sqlx::query(
                "INSERT INTO lookup_keys (lookup_key, enrollment) VALUES ($1, $2) ON CONFLICT (lookup_key) DO UPDATE SET enrollment = excluded.enrollment",
            )
            .bind(key.to_key_string())
            .bind(enrollment.clone())
            .execute(&mut **tx)
            .await
            .map_err(err("indexing"))?;
        }
        Effect::Unindex { key } => {
            sqlx::query("DELETE FROM lookup_keys WHERE lookup_key = $1")
                .bind(key.to_key_string())
                .execute(&mut **tx)
                .await
                .map_err(err("unindexing"))?;
        }
        Effect::CreateUser(NewUser {
            key, email, name, ..
        }) => {
            // Keyed by issuer + subject: a second sign-in (or a race) creates nobody new.
            sqlx::query(
                "INSERT INTO users (issuer, subject, email, display_name, managed_apple_id, created_at) VALUES ($1, $2, $3, $4, $3, $5) ON CONFLICT (issuer, subject) DO NOTHING",
            )
            .bind(key.issuer.clone())
            .bind(key.subject.clone())
            .bind(email.clone())
            .bind(name.clone())
            .bind(now.unix())
            .execute(&mut **tx)
            .await
            .map_err(err("creating a user"))?;
        }
        Effect::ScheduleExpiry { enrollment, at } => {
            sqlx::query("INSERT INTO timers (enrollment, due_at) VALUES ($1, $2) ON CONFLICT (enrollment, due_at) DO NOTHING")
                .bind(enrollment.clone())
                .bind(at.unix())
                .execute(&mut **tx)
                .await
                .map_err(err("arming a timer"))?;
        }
        Effect::RecordEnrollment {
            enrollment, device, ..
        } => {
            let (kind, id) = device_columns(device);
            sqlx::query(
                "INSERT INTO devices (enrollment, device_kind, device_id, enrolled_at) VALUES ($1, $2, $3, $4) ON CONFLICT (enrollment) DO UPDATE SET enrolled_at = excluded.enrolled_at",
            )
            .bind(enrollment.clone())
            .bind(kind.to_owned())
            .bind(id.to_owned())
            .bind(now.unix())
            .execute(&mut **tx)
            .await
            .map_err(err("recording an enrollment"))?;
        }
        Effect::StorePushToken {
            enrollment,
            device,
            topic,
            token,
            push_magic,
        } => {
            let (kind, id) = device_columns(device);
            let hex: String = token.iter().map(|b| format!("{b:02x}")).collect();
            sqlx::query(
                "INSERT INTO devices (enrollment, device_kind, device_id, topic, push_token, push_magic) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (enrollment) DO UPDATE SET topic = excluded.topic, push_token = excluded.push_token, push_magic = excluded.push_magic",
            )
            .bind(enrollment.clone())
            .bind(kind.to_owned())
            .bind(id.to_owned())
            .bind(topic.clone())
            .bind(hex)
            .bind(push_magic.clone())
            .execute(&mut **tx)
            .await
            .map_err(err("storing a push token"))?;
        }
        Effect::RecordCheckOut { enrollment, .. } => {
            sqlx::query("UPDATE devices SET checked_out_at = $1 WHERE enrollment = $2")
                .bind(now.unix())
                .bind(enrollment.clone())
                .execute(&mut **tx)
                .await
                .map_err(err("recording a check-out"))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn an_in_memory_database_is_refused_with_a_reason() {
        let e = Store::open("sqlite::memory:", 4)
            .await
            .err()
            .expect("refused");
        assert!(e.to_string().contains("in-memory"), "{e}");
    }

    #[tokio::test]
    async fn reads_see_what_the_writer_committed() {
        let dir = std::env::temp_dir().join(format!("enrollkit-store-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let url = format!("sqlite://{}?mode=rwc", dir.join("store.db").display());
        let store = Store::open(&url, 8).await.expect("open");
        let now = Timestamp::from_unix(1_800_000_000).expect("time");
        let key = UserKey {
            issuer: "https://login.example.com".into(),
            subject: "00u1".into(),
        };
        let user = NewUser {
            key: key.clone(),
            email: Some("dana@example.com".into()),
            name: None,
            groups: Vec::new(),
        };
        let commit = store
            .commit(None, None, &[Effect::CreateUser(user)], now)
            .await
            .expect("commit");
        assert_eq!(commit, Commit::Done);
        let found = store.user(&key).await.expect("read").expect("the user");
        assert_eq!(
            found.managed_apple_account.as_deref(),
            Some("dana@example.com")
        );
        std::fs::remove_dir_all(&dir).ok();
    }
}
