/** The {@code multiproc} command-line tool: demos, benchmarks and jobs. Exports nothing. */
module dev.multiproc.cli {
  requires dev.multiproc;
  requires dev.multiproc.hazelcast;
  requires info.picocli;
  requires me.tongfei.progressbar;

  opens dev.multiproc.cli to info.picocli;
}
