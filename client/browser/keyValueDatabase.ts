/// <reference lib="dom" />
// One IndexedDB database used as a few named key-value maps: the small promise layer under the browser platform's
// archive storage and secret store. Every call is one transaction, so a write is whole or not at all, and writes ask
// for strict durability: Chromium's default ('relaxed') may report a write done before it reaches the disk, and the
// core shows a message only once its archive write is done.

export interface KeyValueDatabase {
  get(store: string, key: string): Promise<unknown>;
  put(store: string, key: string, value: unknown): Promise<void>;
  /** The value kept under this key, or `value` after keeping it there: one transaction, so two first runs agree. */
  getOrPut(store: string, key: string, value: unknown): Promise<unknown>;
  delete(store: string, keys: readonly string[]): Promise<void>;
  keys(store: string): Promise<string[]>;
  close(): void;
}

function requestResult<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => {
      resolve(request.result);
    };
    request.onerror = () => {
      reject(request.error ?? new Error('IndexedDB request failed'));
    };
  });
}

function transactionDone(transaction: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    transaction.oncomplete = () => {
      resolve();
    };
    transaction.onerror = () => {
      reject(transaction.error ?? new Error('IndexedDB transaction failed'));
    };
    transaction.onabort = () => {
      reject(transaction.error ?? new Error('IndexedDB transaction aborted'));
    };
  });
}

export async function openKeyValueDatabase(
  factory: IDBFactory,
  name: string,
  stores: readonly string[],
): Promise<KeyValueDatabase> {
  const request = factory.open(name, 1);
  request.onupgradeneeded = () => {
    for (const store of stores) {
      if (!request.result.objectStoreNames.contains(store)) request.result.createObjectStore(store);
    }
  };
  const database = await requestResult(request);
  // Another connection deleting this database (the wipe at sign-out, from this page or another) waits for every open
  // one to close: close at once rather than block the wipe.
  database.onversionchange = () => {
    database.close();
  };

  const reading = (store: string) => database.transaction(store, 'readonly').objectStore(store);
  const writing = (store: string) => {
    const transaction = database.transaction(store, 'readwrite', { durability: 'strict' });
    return { transaction, objects: transaction.objectStore(store) };
  };

  return {
    get: (store, key) => requestResult(reading(store).get(key)),
    put: async (store, key, value) => {
      const { transaction, objects } = writing(store);
      objects.put(value, key);
      await transactionDone(transaction);
    },
    getOrPut: async (store, key, value) => {
      const { transaction, objects } = writing(store);
      let kept: unknown = value;
      const existing = objects.get(key);
      existing.onsuccess = () => {
        if (existing.result === undefined) objects.put(value, key);
        else kept = existing.result;
      };
      await transactionDone(transaction);
      return kept;
    },
    delete: async (store, keys) => {
      const { transaction, objects } = writing(store);
      for (const key of keys) objects.delete(key);
      await transactionDone(transaction);
    },
    keys: async (store) => {
      const keys = await requestResult(reading(store).getAllKeys());
      return keys.filter((key): key is string => typeof key === 'string');
    },
    close: () => {
      database.close();
    },
  };
}

/** Deletes the whole database; open connections close themselves (see onversionchange above). */
export async function deleteKeyValueDatabase(factory: IDBFactory, name: string): Promise<void> {
  await requestResult(factory.deleteDatabase(name));
}
