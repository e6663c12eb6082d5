// Services and requests (demo data from the server). "Contact provider" finds or creates
// the conversation about that listing — locally, so it works offline — and opens it.
import { useCallback, useEffect, useState } from 'react';
import type { ServiceListing } from '../../../shared/model.ts';
import { useApp } from '../app/app-context.tsx';
import { Avatar } from '../components/Avatar.tsx';
import { EmptyState, Spinner } from '../components/EmptyState.tsx';
import { ChatIcon, StoreIcon } from '../components/icons.tsx';
import { UserText } from '../components/UserText.tsx';
import { useNavigate } from '../routing/router.tsx';
import { chatPath, conversationUrlId } from '../routing/routes.ts';
import { ServerError } from '../server-client.ts';
import { type CachedCatalog, readCatalog, writeCatalog } from './catalog-cache.ts';

type LoadState = { kind: 'idle' } | { kind: 'loading' } | { kind: 'failed'; message: string };

function ListingCard({
  listing,
  onContact,
  isBusy,
}: {
  listing: ServiceListing;
  onContact: (l: ServiceListing) => void;
  isBusy: boolean;
}) {
  const { user } = useApp();
  const isMine = listing.owner.userId === user.userId;
  return (
    <article
      className="listing"
      id={`${listing.kind}-${listing.id}`}
      aria-labelledby={`${listing.kind}-${listing.id}-title`}
    >
      <div className="listing-top">
        <span className={`context-badge context-${listing.kind}`}>
          {listing.kind === 'service' ? 'Service' : 'Request'}
        </span>
        <span className="listing-hours">
          {listing.hours} {listing.hours === 1 ? 'hour' : 'hours'}
        </span>
      </div>
      <h3 id={`${listing.kind}-${listing.id}-title`}>
        <UserText text={listing.title} />
      </h3>
      <p className="listing-description" dir="auto">
        {listing.description}
      </p>
      <div className="listing-bottom">
        <span className="listing-owner">
          <Avatar name={listing.owner.displayName} seed={listing.owner.userId} size={26} />
          <span>{isMine ? 'You' : <UserText text={listing.owner.displayName} />}</span>
        </span>
        {isMine ? (
          <span className="pill">Your listing</span>
        ) : (
          <button
            type="button"
            className="button primary small"
            disabled={isBusy}
            onClick={() => onContact(listing)}
          >
            <ChatIcon size={14} />{' '}
            {listing.kind === 'service' ? 'Contact provider' : 'Contact requester'}
          </button>
        )}
      </div>
    </article>
  );
}

export function ServicesView() {
  const { server, storage, user, engine, db } = useApp();
  const navigate = useNavigate();
  const [catalog, setCatalog] = useState<CachedCatalog | null>(() =>
    readCatalog(storage, user.userId),
  );
  const [load, setLoad] = useState<LoadState>({ kind: 'idle' });
  const [busyId, setBusyId] = useState<string | null>(null);
  const [contactError, setContactError] = useState<string | null>(null);

  const refresh = useCallback(async () => {
    setLoad({ kind: 'loading' });
    try {
      const listings = await server.listCatalog();
      setCatalog(writeCatalog(storage, user.userId, listings));
      setLoad({ kind: 'idle' });
    } catch (error) {
      setLoad({
        kind: 'failed',
        message:
          error instanceof ServerError && error.code === 'UNAVAILABLE'
            ? 'You are offline.'
            : 'The services could not be loaded.',
      });
    }
  }, [server, storage, user.userId]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  // Arriving from a conversation's context link: bring that listing into view.
  useEffect(() => {
    const id = window.location.hash.slice(1);
    if (id && catalog) document.getElementById(id)?.scrollIntoView({ block: 'center' });
  }, [catalog]);

  const contact = async (listing: ServiceListing) => {
    setBusyId(`${listing.kind}-${listing.id}`);
    setContactError(null);
    try {
      const key = await engine.openConversation({
        otherUserId: listing.owner.userId,
        otherDisplayName: listing.owner.displayName,
        conversationType: listing.kind,
        contextId: listing.id,
        contextTitle: listing.title,
      });
      const conversation = await db.conversations.get(key);
      navigate(
        chatPath(listing.owner.userId, conversation ? conversationUrlId(conversation) : key),
      );
    } catch (error) {
      setContactError(
        error instanceof Error ? error.message : 'The conversation could not be opened.',
      );
    } finally {
      setBusyId(null);
    }
  };

  const services = catalog?.listings.filter((l) => l.kind === 'service') ?? [];
  const requests = catalog?.listings.filter((l) => l.kind === 'request') ?? [];

  return (
    <section className="page services" aria-labelledby="services-title">
      <header className="page-header">
        <div>
          <h2 id="services-title">Services & requests</h2>
          <p className="page-subtitle">
            Offer your time, or ask for help.{' '}
            {catalog &&
              load.kind === 'failed' &&
              `${load.message} Showing the list from ${new Date(catalog.fetchedAt).toLocaleString()}.`}
          </p>
        </div>
        {load.kind === 'loading' && catalog && <span className="muted small">Refreshing…</span>}
      </header>
      {contactError && (
        <p className="form-error" role="alert">
          {contactError}
        </p>
      )}
      {!catalog ? (
        load.kind === 'failed' ? (
          <EmptyState tone="error" title="Services unavailable">
            <p>{load.message} The list appears here once it has loaded.</p>
            <button type="button" className="button secondary" onClick={() => void refresh()}>
              Try again
            </button>
          </EmptyState>
        ) : (
          <Spinner label="Loading services" />
        )
      ) : catalog.listings.length === 0 ? (
        <EmptyState icon={<StoreIcon size={30} />} title="No services yet" />
      ) : (
        <div className="listing-sections">
          {[
            { title: 'Services', items: services },
            { title: 'Requests', items: requests },
          ].map(
            (section) =>
              section.items.length > 0 && (
                <section key={section.title} aria-label={section.title}>
                  <h3 className="section-title">{section.title}</h3>
                  <div className="listing-grid">
                    {section.items.map((listing) => (
                      <ListingCard
                        key={`${listing.kind}-${listing.id}`}
                        listing={listing}
                        isBusy={busyId === `${listing.kind}-${listing.id}`}
                        onContact={(l) => void contact(l)}
                      />
                    ))}
                  </div>
                </section>
              ),
          )}
        </div>
      )}
    </section>
  );
}
