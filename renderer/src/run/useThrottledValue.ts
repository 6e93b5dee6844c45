import { useEffect, useRef, useState } from 'react';

/**
 * `value`, passed on at most once per `ms` (the newest one, at the end of each interval): a long run's
 * charts are reshaped from all its measurements, so while epochs stream in they redraw twice a second,
 * not at every batch of events.
 */
export function useThrottledValue<T>(value: T, ms: number): T {
  const [shown, setShown] = useState(value);
  const last = useRef(0);
  useEffect(() => {
    if (Object.is(value, shown)) return;
    const wait = last.current + ms - Date.now();
    if (wait <= 0) {
      last.current = Date.now();
      setShown(() => value);
      return;
    }
    const timer = setTimeout(() => {
      last.current = Date.now();
      setShown(() => value);
    }, wait);
    return () => clearTimeout(timer);
  }, [value, shown, ms]);
  return shown;
}
