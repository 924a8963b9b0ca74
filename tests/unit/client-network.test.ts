// The per-IP limit's idea of one client: an IPv4 address, or an IPv6 /64 however it is written.
import { describe, expect, it } from "vitest";
import { clientNetwork } from "~/http/rate-limit.server";

describe("clientNetwork", () => {
  it.each([
    ["2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"],
    ["2001:DB8:0001:0002:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"],
    ["2001:db8:1:2::1", "2001:db8:1:2::/64"],
    ["2001:db8::1", "2001:db8:0:0::/64"],
    ["::1", "0:0:0:0::/64"],
    ["fe80::1%eth0", "fe80:0:0:0::/64"],
    ["::ffff:192.0.2.1", "0:0:0:0::/64"],
    ["203.0.113.7", "203.0.113.7"],
    ["not an ip", "not an ip"],
    ["1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7:8:9"],
    ["1::2::3", "1::2::3"],
    ["gggg::1", "gggg::1"],
  ])("%s → %s", (ip, expected) => {
    expect(clientNetwork(ip)).toBe(expected);
  });

  it("every address of one /64 is the same client; the next /64 is another", () => {
    const one = ["2001:db8:a:b::1", "2001:db8:a:b:ffff::2", "2001:db8:a:b:1:2:3:4"].map(clientNetwork);
    expect(new Set(one).size).toBe(1);
    expect(clientNetwork("2001:db8:a:c::1")).not.toBe(one[0]);
  });
});
