package io.zktoolkit.config.settings;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RedactionTest {
    private static final String PW = "Pw-4711";

    @Test
    void passwordsInJdbcUrlsAreMaskedAndTheRestKept() {
        assertThat(Redaction.jdbcUrl("jdbc:postgresql://db:5432/shop?user=etl&password=" + PW + "&ssl=true"))
                .isEqualTo("jdbc:postgresql://db:5432/shop?user=etl&password=******&ssl=true");
        assertThat(Redaction.jdbcUrl("jdbc:sqlserver://mssql:1433;databaseName=shop;user=etl;Password=" + PW))
                .isEqualTo("jdbc:sqlserver://mssql:1433;databaseName=shop;user=etl;Password=******");
        assertThat(Redaction.jdbcUrl("jdbc:mysql://etl:" + PW + "@db/sales")).isEqualTo("jdbc:mysql://etl:******@db/sales");
        assertThat(Redaction.jdbcUrl("jdbc:oracle:thin:scott/" + PW + "@//ora:1521/ORCL"))
                .isEqualTo("jdbc:oracle:thin:scott/******@//ora:1521/ORCL");
        assertThat(Redaction.jdbcUrl("jdbc:postgresql://db:5432/shop")).isEqualTo("jdbc:postgresql://db:5432/shop");
        assertThat(Redaction.jdbcUrl(null)).isNull();
    }

    @Test
    void sqoopCommandLinesLoseEveryFormOfPassword() {
        List<String> shown = Redaction.arguments(List.of("import", "--connect", "jdbc:postgresql://db/shop?password=" + PW,
                "--username", "etl", "--password", PW, "--meta-password=" + PW, "--password-file", "file:///run/pw", "--table", "orders"));
        assertThat(String.join(" ", shown)).doesNotContain(PW)
                .isEqualTo("import --connect jdbc:postgresql://db/shop?password=****** --username etl --password ******"
                        + " --meta-password=****** --password-file file:///run/pw --table orders");
    }

    @Test
    void theKeyNameRuleCoversPasswordsSecretsTokensAndKeys() {
        assertThat(List.of("db.password", "source.PASSWORD", "api.token", "oauth.client.secret", "s3.access.key", "password"))
                .allMatch(SecretNames::looksSecret);
        assertThat(List.of("db.password-file", "batch.size", "keyspace", "partition.key.column", "tokens"))
                .noneMatch(SecretNames::looksSecret);
    }
}
