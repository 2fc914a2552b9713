package io.zktoolkit.sync.hive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zktoolkit.locks.hive.HiveObject;
import org.junit.jupiter.api.Test;

/** What a step publishes of its statement, and which table a DDL statement changes. */
class HiveStatementTextTest {

    @Test
    void aStepPublishesTheStatementsKindAndDigestNeverItsText() {
        StatementSummary insert = StatementSummary.of("INSERT INTO sales.orders SELECT * FROM staging.orders WHERE token = 's3cr3t'");
        assertThat(insert.published()).matches("INSERT INTO sha256:[0-9a-f]{16}").doesNotContain("s3cr3t").doesNotContain("orders");
        assertThat(StatementSummary.of("  INSERT   INTO sales.orders\nSELECT * FROM staging.orders WHERE token = 's3cr3t'").digest())
                .as("whitespace does not change the digest").isEqualTo(insert.digest());
        assertThat(StatementSummary.of("INSERT INTO sales.orders SELECT * FROM staging.orders WHERE token = 'other'").digest())
                .isNotEqualTo(insert.digest());
        assertThat(StatementSummary.of("/* nightly */ create external table t (a int)").kind()).isEqualTo("CREATE EXTERNAL");
        assertThat(StatementSummary.of("ANALYZE orders COMPUTE STATISTICS").kind()).as("a name is never published").isEqualTo("ANALYZE");
        assertThat(StatementSummary.of("SELECT 1").kind()).isEqualTo("SELECT");
        assertThat(StatementSummary.of("  ").kind()).isEqualTo("UNKNOWN");
    }

    @Test
    void aFailureReasonHasTheStatementsLiteralsMasked() {
        String sql = "CREATE TABLE jdbc_src USING jdbc OPTIONS (url 'jdbc:postgresql://db/x', password \"hunter2-pw\") AS SELECT 1";
        String serverMessage = "[PARSE_SYNTAX_ERROR] Syntax error at or near 'AS'\n== SQL ==\nCREATE TABLE jdbc_src USING jdbc OPTIONS "
                + "(url 'jdbc:postgresql://db/x', password \"hunter2-pw\") AS SELECT 1";
        String reason = StatementSummary.redact(sql, serverMessage);
        assertThat(reason).doesNotContain("hunter2-pw").doesNotContain("postgresql://db/x").contains("PARSE_SYNTAX_ERROR");
        assertThat(StatementSummary.redact("SET fs.s3a.secret.key=AKIAXYZ", "Cannot modify fs.s3a.secret.key=AKIAXYZ"))
                .doesNotContain("AKIAXYZ");
        assertThat(StatementSummary.redact("SELECT 1", null)).isEqualTo("(the driver gave no message)");
        assertThat(StatementSummary.redact("SELECT 1", "x".repeat(5000))).hasSize(2003);
    }

    @Test
    void theTableADdlStatementChangesIsReadFromItsText() {
        assertThat(SchemaChange.of("ALTER TABLE sales.orders ADD COLUMNS (channel STRING)").orElseThrow().in("default"))
                .isEqualTo(HiveObject.table("sales", "orders"));
        assertThat(SchemaChange.of("create table if not exists Orders (id int)").orElseThrow().in("sales"))
                .isEqualTo(HiveObject.table("sales", "orders"));
        assertThat(SchemaChange.of("CREATE EXTERNAL TABLE `sales`.`orders` (id int) LOCATION '/x'").orElseThrow().in("default"))
                .isEqualTo(HiveObject.table("sales", "orders"));
        assertThat(SchemaChange.of("CREATE OR REPLACE TEMPORARY VIEW v AS SELECT 1").orElseThrow().table()).isEqualTo("v");
        SchemaChange drop = SchemaChange.of("-- cleanup\nDROP TABLE IF EXISTS sales . orders PURGE").orElseThrow();
        assertThat(drop.drop()).isTrue();
        assertThat(drop.in("default")).isEqualTo(HiveObject.table("sales", "orders"));
        assertThat(SchemaChange.of("INSERT INTO sales.orders SELECT 1")).isEmpty();
        assertThat(SchemaChange.of("CREATE DATABASE sales")).isEmpty();
        assertThat(SchemaChange.of("SELECT 'ALTER TABLE x'")).isEmpty();
        assertThatThrownBy(() -> SchemaChange.of("ALTER TABLE `sales`.`order-items` ADD COLUMNS (a int)").orElseThrow().in("default"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("order-items").hasMessageContaining("letters, digits and underscores");
    }
}
