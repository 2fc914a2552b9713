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

    @Test
    void aPasswordInTheUrlNeverBecomesPartOfAZnodeName() {
        // the guard's znodes are listable by anyone the parent's ACL lets read: a name must hold no credential
        assertThat(SqoopImportGuard.sourceId("jdbc:mysql://etl:Pw-4711@10.0.0.7/sales")).isEqualTo("mysql_10.0.0.7_sales");
        assertThat(SqoopImportGuard.sourceId("jdbc:oracle:thin:scott/Pw-4711@//ora:1521/ORCL")).isEqualTo("oracle_thin_ora_1521_orcl");
        assertThat(SqoopImportGuard.sourceId("jdbc:sqlserver://mssql:1433;databaseName=shop;user=etl;password=Pw-4711"))
                .isEqualTo("sqlserver_mssql_1433_databasename_shop");
        assertThat(SqoopImportGuard.sourceId("jdbc:postgresql://db:5432/shop?user=etl&password=Pw-4711"))
                .isEqualTo("postgresql_db_5432_shop");
    }
}
