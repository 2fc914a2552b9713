package io.zktoolkit.examples.world.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The transform: per table of Sqoop text output, its rows, distinct ids, duplicate ids (rows
 * sharing an id with an earlier row: what a re-run incremental import leaves behind) and the sum
 * of {@code amount}.
 *
 * @param table        the table's folder name
 * @param rows         its rows
 * @param distinctIds  distinct non-null ids
 * @param duplicateIds {@code rows - distinctIds}
 * @param totalAmount  sum of amount, 0 for no rows
 */
record TableTotals(String table, long rows, long distinctIds, long duplicateIds, BigDecimal totalAmount) {

    /** Sqoop's default text layout of the demo's tables: tab-separated, nulls written as {@code null}. */
    static final StructType INPUT = new StructType()
            .add("id", DataTypes.StringType)
            .add("customer", DataTypes.StringType)
            .add("amount", DataTypes.createDecimalType(18, 2))
            .add("updated_at", DataTypes.StringType);
    /** The Parquet output's columns. */
    static final StructType OUTPUT = new StructType()
            .add("table_name", DataTypes.StringType, false)
            .add("rows", DataTypes.LongType, false)
            .add("distinct_ids", DataTypes.LongType, false)
            .add("duplicate_ids", DataTypes.LongType, false)
            .add("total_amount", DataTypes.createDecimalType(28, 2), false);

    /**
     * Computes every table's totals with one Spark job; a table without rows gets zeros. Files
     * whose names start with {@code _} or {@code .} ({@code _SUCCESS}, {@code .crc}) are skipped
     * by Spark's file listing, as Hadoop skips them.
     */
    static List<TableTotals> compute(SparkSession spark, Map<String, Path> tables) {
        Dataset<Row> all = null;
        for (Map.Entry<String, Path> table : tables.entrySet()) {
            Dataset<Row> rows = spark.read().schema(INPUT).option("sep", "\t").option("nullValue", "null")
                    .csv(table.getValue().toUri().toString()).withColumn("table_name", lit(table.getKey()));
            all = all == null ? rows : all.unionByName(rows);
        }
        Map<String, TableTotals> byTable = new TreeMap<>();
        tables.keySet().forEach(t -> byTable.put(t, new TableTotals(t, 0, 0, 0, BigDecimal.ZERO.setScale(2))));
        for (Row row : all.groupBy("table_name")
                .agg(count(lit(1)).as("rows"), countDistinct(col("id")).as("distinct_ids"), sum("amount").as("total_amount"))
                .collectAsList()) {
            long rows = row.getLong(1);
            long distinct = row.getLong(2);
            BigDecimal amount = row.isNullAt(3) ? BigDecimal.ZERO.setScale(2) : row.getDecimal(3);
            byTable.put(row.getString(0), new TableTotals(row.getString(0), rows, distinct, rows - distinct, amount));
        }
        return new ArrayList<>(byTable.values());
    }

    /** The totals as a one-partition DataFrame in the {@link #OUTPUT} layout. */
    static Dataset<Row> toDataFrame(SparkSession spark, List<TableTotals> totals) {
        List<Row> rows = totals.stream()
                .map(t -> RowFactory.create(t.table, t.rows, t.distinctIds, t.duplicateIds, t.totalAmount))
                .toList();
        return spark.createDataFrame(rows, OUTPUT).coalesce(1);
    }

    /** The {@code RESULT} line the launcher parses. */
    String resultLine() {
        return "RESULT " + table + " " + rows + " " + distinctIds + " " + duplicateIds + " " + totalAmount.toPlainString();
    }
}
