package io.zktoolkit.locks.sqoop;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Naming only; real imports under the guard run in src-it/sqoop-it. */
class SqoopImportGuardTest {
    @Test
    void sourcesAreNamedByHostPortAndDatabaseSafelyForZnodes() {
        assertThat(SqoopImportGuard.sourceId("jdbc:postgresql://db.example.com:5432/shop?ssl=true"))
                .isEqualTo("postgresql_db.example.com_5432_shop");
        assertThat(SqoopImportGuard.sourceId("jdbc:mysql://10.0.0.7/sales")).isEqualTo("mysql_10.0.0.7_sales");
        assertThat(SqoopImportGuard.sourceId("jdbc:oracle:thin:@//ora:1521/ORCL")).isEqualTo("oracle_thin_ora_1521_orcl");
    }
}
