// The devices list's labels: a short "browser on system" from the User-Agent, and the place.
import { describe, expect, it } from "vitest";
import { deviceLabel, placeLabel, sessionOrigin } from "~/auth/session-origin.server";

describe("deviceLabel", () => {
  it.each([
    ["Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0", "Firefox on Linux"],
    [
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
      "Microsoft Edge on Windows",
    ],
    [
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
      "Safari on macOS",
    ],
    [
      "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1",
      "Chrome on iOS",
    ],
    [
      "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36",
      "Samsung Internet for Android on Android",
    ],
  ])("%s → %s", (userAgent, label) => {
    expect(deviceLabel(userAgent)).toBe(label);
  });

  it("null without a User-Agent or anything recognisable", () => {
    expect(deviceLabel(null)).toBeNull();
    expect(deviceLabel("")).toBeNull();
  });

  it("never keeps the header: at most a short label, control characters removed", () => {
    const hostile = `${"A".repeat(5000)}/1.0 (\u0000\u001b[31m evil)`;
    const label = deviceLabel(hostile) ?? "";
    expect(label.length).toBeLessThanOrEqual(60 * 2 + 4);
    expect(label).not.toMatch(/\p{Cc}/u);
  });
});

describe("sessionOrigin", () => {
  it("keeps Cloudflare's city and a two-letter country; drops anything else", () => {
    const request = new Request("http://localhost/", { headers: { "User-Agent": "curl/8.5.0" } });
    const cf = (data: object) => data as IncomingRequestCfProperties;
    expect(sessionOrigin(request, cf({ city: " Zürich ", country: "CH" }))).toMatchObject({
      city: "Zürich",
      country: "CH",
    });
    expect(sessionOrigin(request, cf({ country: "T1" })).country).toBe("T1");
    expect(sessionOrigin(request, cf({ country: "<script>" })).country).toBeNull();
    expect(sessionOrigin(request, undefined)).toMatchObject({ city: null, country: null });
  });
});

describe("placeLabel", () => {
  it("city and country name, either alone, or null", () => {
    expect(placeLabel("London", "GB")).toBe("London, United Kingdom");
    expect(placeLabel(null, "DE")).toBe("Germany");
    expect(placeLabel("Paris", null)).toBe("Paris");
    expect(placeLabel(null, "T1")).toBe("Tor network");
    expect(placeLabel(null, null)).toBeNull();
  });
});
