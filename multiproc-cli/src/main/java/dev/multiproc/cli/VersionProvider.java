package dev.multiproc.cli;

import picocli.CommandLine;

/** Reports the tool's version and the JDK it runs on. */
final class VersionProvider implements CommandLine.IVersionProvider {
  @Override
  public String[] getVersion() {
    String version = VersionProvider.class.getPackage().getImplementationVersion();
    return new String[] {
      "multiproc " + (version == null ? "development build" : version),
      "JDK " + Runtime.version() + " (" + System.getProperty("java.home") + ")"
    };
  }
}
