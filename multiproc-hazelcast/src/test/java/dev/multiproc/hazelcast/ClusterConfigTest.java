package dev.multiproc.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** ClusterConfig: the hazelcast:// URI round trip and the errors that name the fix. */
class ClusterConfigTest {
  /** A URI with several members, a name and a timeout parses, and toUri() parses back to the same. */
  @Test
  void parse_roundTrips() {
    ClusterConfig config = ClusterConfig.parse("hazelcast://10.0.0.5:5701,10.0.0.6:5702?cluster-name=analytics&connect-timeout=3s");
    assertThat(config.clusterName()).isEqualTo("analytics");
    assertThat(config.addresses()).containsExactly("10.0.0.5:5701", "10.0.0.6:5702");
    assertThat(config.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
    ClusterConfig again = ClusterConfig.parse(config.toUri());
    assertThat(again.clusterName()).isEqualTo("analytics");
    assertThat(again.addresses()).isEqualTo(config.addresses());
    assertThat(again.connectTimeout()).isEqualTo(config.connectTimeout());
  }

  /** A host without a port means Hazelcast's 5701; the default timeout is 10 s. */
  @Test
  void defaults() {
    ClusterConfig config = ClusterConfig.of("c", "db1");
    assertThat(config.addresses()).containsExactly("db1:5701");
    assertThat(config.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
  }

  /** A missing name, a missing address, a bad port, another scheme or an unknown parameter are rejected, saying what to do. */
  @Test
  void badInput_isRejectedWithTheFix() {
    assertThatThrownBy(() -> ClusterConfig.parse("hazelcast://h:5701")).hasMessageContaining("?cluster-name=N");
    assertThatThrownBy(() -> ClusterConfig.of(" ", "h:5701")).hasMessageContaining("cluster name is required");
    assertThatThrownBy(() -> ClusterConfig.of("c")).hasMessageContaining("at least one member address");
    assertThatThrownBy(() -> ClusterConfig.of("c", "h:99999")).hasMessageContaining("1..65535");
    assertThatThrownBy(() -> ClusterConfig.parse("redis://h:1?cluster-name=c")).hasMessageContaining("expected hazelcast://");
    assertThatThrownBy(() -> ClusterConfig.parse("hazelcast://h:1?cluster-name=c&pasword=x")).hasMessageContaining("unknown parameter pasword");
    assertThatThrownBy(() -> ClusterConfig.of("c", "h").withConnectTimeout(Duration.ZERO)).hasMessageContaining("positive");
  }
}
