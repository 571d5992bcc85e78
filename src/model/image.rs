//! Container image references: the tag, and what the image is.

/// The tag of an image reference, `None` when it has none, or `Some("")` when it is pinned by
/// digest. `registry:5000/app` has no tag: a `:` before the last `/` is a registry port.
pub fn image_tag(image: &str) -> Option<&str> {
    if image.contains('@') {
        return Some("");
    }
    let last = image.rsplit('/').next().unwrap_or(image);
    last.split_once(':').map(|(_, tag)| tag)
}

/// The repository's last path component, without tag or digest: `postgres` for
/// `docker.io/library/postgres:16`, `redis` for `bitnami/redis@sha256:…`.
pub fn image_name(image: &str) -> &str {
    let no_digest = image.split_once('@').map_or(image, |(name, _)| name);
    let last = no_digest.rsplit('/').next().unwrap_or(no_digest);
    last.split_once(':').map_or(last, |(name, _)| name)
}

/// Stateful servers whose copies hold data: a second replica of one of these is a second,
/// independent instance (a split cache, a second empty database), not a standby, unless the
/// software's own replication is configured.
const DATASTORES: &[(&str, &str)] = &[
    ("redis", "Redis"),
    ("valkey", "Valkey"),
    ("keydb", "KeyDB"),
    ("postgres", "PostgreSQL"),
    ("postgresql", "PostgreSQL"),
    ("mysql", "MySQL"),
    ("mariadb", "MariaDB"),
    ("percona", "Percona Server"),
    ("mongo", "MongoDB"),
    ("mongodb", "MongoDB"),
    ("documentdb", "DocumentDB"),
    ("documentdb-local", "DocumentDB"),
    ("rabbitmq", "RabbitMQ"),
    ("kafka", "Kafka"),
    ("zookeeper", "ZooKeeper"),
    ("etcd", "etcd"),
    ("elasticsearch", "Elasticsearch"),
    ("opensearch", "OpenSearch"),
    ("cassandra", "Cassandra"),
    ("cockroach", "CockroachDB"),
    ("memcached", "Memcached"),
    ("nats", "NATS"),
    ("minio", "MinIO"),
    ("clickhouse", "ClickHouse"),
    ("influxdb", "InfluxDB"),
    ("couchdb", "CouchDB"),
    ("neo4j", "Neo4j"),
];

/// The datastore an image runs, by its repository name (`redis:7`, `bitnami/postgresql`,
/// `mcr.microsoft.com/mssql/server` is not listed), with prefixes such as `redis-stack`
/// or `mongo-express` excluded unless the name is the datastore itself or ends in `-server`.
pub fn datastore(image: &str) -> Option<&'static str> {
    let name = image_name(image).to_ascii_lowercase();
    let base = name
        .strip_suffix("-server")
        .or_else(|| name.strip_suffix("-alpine"))
        .unwrap_or(&name);
    DATASTORES
        .iter()
        .find(|(repo, _)| *repo == base)
        .map(|&(_, product)| product)
}

/// The datastore a container runs: by its image's repository name, by a tag that names it
/// (one repository with a tag per component, as in `demo:2.1.3-postgresql`), or by a container
/// named exactly after it (`name: redis`).
pub fn container_datastore(image: Option<&str>, container_name: &str) -> Option<&'static str> {
    let by_image = image.and_then(|image| {
        datastore(image).or_else(|| {
            let tag = image_tag(image).filter(|t| !t.is_empty())?;
            datastore(tag.rsplit('-').next().unwrap_or(tag))
        })
    });
    by_image.or_else(|| datastore(container_name))
}

#[cfg(test)]
mod tests {
    use super::{container_datastore, datastore, image_name, image_tag};

    #[test]
    fn parses_image_references() {
        assert_eq!(image_tag("nginx"), None);
        assert_eq!(image_tag("nginx:latest"), Some("latest"));
        assert_eq!(image_tag("nginx:1.27"), Some("1.27"));
        assert_eq!(image_tag("registry:5000/app"), None);
        assert_eq!(image_tag("registry:5000/team/app:1.2"), Some("1.2"));
        assert_eq!(image_tag("nginx@sha256:abc"), Some(""));
        assert_eq!(image_tag("nginx:latest@sha256:abc"), Some(""));
        assert_eq!(image_name("registry:5000/team/app:1.2"), "app");
        assert_eq!(image_name("bitnami/redis@sha256:abc"), "redis");
        assert_eq!(image_name("postgres"), "postgres");
    }

    #[test]
    fn recognises_datastores_by_repository_name() {
        assert_eq!(datastore("redis:7.2-alpine"), Some("Redis"));
        assert_eq!(datastore("docker.io/valkey/valkey:8"), Some("Valkey"));
        assert_eq!(datastore("postgres:16"), Some("PostgreSQL"));
        assert_eq!(datastore("bitnami/postgresql:16"), Some("PostgreSQL"));
        assert_eq!(
            datastore("mcr.microsoft.com/mirror/docker/library/mongo:4.2"),
            Some("MongoDB")
        );
        assert_eq!(datastore("apache/kafka:3.7.0"), Some("Kafka"));
        assert_eq!(datastore("rabbitmq:3-management-alpine"), Some("RabbitMQ"));
        assert_eq!(datastore("quay.io/coreos/etcd:v3.5"), Some("etcd"));
        // Clients, exporters and UIs named after a datastore are not one.
        assert_eq!(datastore("oliver006/redis_exporter:v1"), None);
        assert_eq!(datastore("mongo-express:1"), None);
        assert_eq!(datastore("nginx:1.27"), None);
        assert_eq!(datastore("redis-commander"), None);
    }

    #[test]
    fn recognises_datastores_by_tag_and_container_name() {
        assert_eq!(
            container_datastore(
                Some("ghcr.io/open-telemetry/demo:2.1.3-postgresql"),
                "postgresql"
            ),
            Some("PostgreSQL")
        );
        assert_eq!(
            container_datastore(Some("ghcr.io/acme/demo:2.1.3-cart"), "cart"),
            None
        );
        assert_eq!(
            container_datastore(Some("acme/cache:1"), "redis"),
            Some("Redis")
        );
        assert_eq!(container_datastore(None, "web"), None);
    }
}
