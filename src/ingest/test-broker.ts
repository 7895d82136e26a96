/** For tests: whether the local MQTT broker answers; in CI its absence is a failure, not a skip. */
import mqtt from 'mqtt';

export const TEST_BROKER_URL = process.env.BES_TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883';

export async function brokerAvailable(): Promise<{ ok: true } | { ok: false; reason: string }> {
  try {
    const client = await mqtt.connectAsync(TEST_BROKER_URL, { connectTimeout: 2_000, reconnectPeriod: 0 });
    await client.endAsync();
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: `no MQTT broker at ${TEST_BROKER_URL} (${error instanceof Error ? error.message : String(error)})` };
  }
}

export function requireBrokerInCi(result: { ok: boolean; reason?: string }): void {
  if (process.env.CI === 'true' && !result.ok) throw new Error(`the MQTT broker is required in CI: ${result.reason}`);
}
