/**
 * picocli, as its own jar declares it (info.picocli 4.7.x): the same module, compiled here from
 * picocli's published sources for Java 25 (see this module's pom).
 */
module info.picocli {
  requires static java.sql;

  exports picocli;
}
