import { Component } from 'preact'
import { useEffect, useMemo, useRef, useState } from 'preact/hooks'
import { can, homePage, PAGES, type PageName, type SessionUser } from './access.js'
import { Announcer } from './announcer.js'
import { api, ApiError, messageOf } from './api.js'
import { BreakGlassBanner, useBreakGlassNotices } from './components/break-glass-banner.js'
import { ConnectionBanner } from './components/connection-banner.js'
import { EmergencyBanner } from './components/emergency-banner.js'
import { EscalationBanner, useEscalations } from './components/escalation-banner.js'
import { SiteHeader } from './components/site-header.js'
import { TwoFactorBanner } from './components/two-factor-banner.js'
import { LiveHub, LiveHubContext } from './live-hub.js'
import { AlertQueueContext, LiveQueueContext, useLiveQueue } from './live-queue.js'
import { NoAccess } from './components/no-access.js'
import { AccountPage } from './pages/account-page.js'
import { CallScriptsPage } from './pages/call-scripts-page.js'
import { ConsolePage } from './pages/console-page.js'
import { DevicesPage } from './pages/devices-page.js'
import { FamilyPage } from './pages/family-page.js'
import { FiguresPage } from './pages/figures-page.js'
import { MyRecordPage } from './pages/my-record-page.js'
import { OrganisationsPage } from './pages/organisations-page.js'
import { PeoplePage } from './pages/people-page.js'
import { QueuePage } from './pages/queue-page.js'
import { UsersPage } from './pages/users-page.js'
import { useDocumentTitle } from './document-title.js'
import { LazyPersonPage } from './person/lazy-person-page.js'
import { useRoute, type Route } from './router.js'

interface Props {
  user: SessionUser
  onSignedOut: () => void
  /** The server no longer knows the session (expired, or signed out elsewhere). */
  onSessionEnded: () => void
  onChangePassword: () => void
}

interface PageProps {
  route: Route
  user: SessionUser
}

/** Re-rendered by a new route only: pages that follow the live queue subscribe to it themselves. */
class Page extends Component<PageProps> {
  override shouldComponentUpdate(next: PageProps): boolean {
    return next.route !== this.props.route || next.user !== this.props.user
  }

  override render() {
    return <PageOf route={this.props.route} user={this.props.user} />
  }
}

function PageOf({ route, user }: PageProps) {
  const page: PageName | 'person' | 'unknown' = route.page === 'home' ? homePage(user) : route.page
  if (page === 'person' && route.page === 'person') return <LazyPersonPage key={route.personId} personId={route.personId} user={user} />
  if (page === 'unknown' || page === 'person') return <NoSuchPage />
  const spec = PAGES.find((p) => p.name === page)
  if (spec && !spec.allowed(user)) return <TitledNoAccess title={spec.label} />
  switch (page) {
    case 'me':
      return <MyRecordPage user={user} />
    case 'family':
      return <FamilyPage />
    case 'organisations':
      return <OrganisationsPage />
    case 'queue':
      return <QueuePage user={user} />
    case 'console':
      return <ConsolePage user={user} />
    case 'call-scripts':
      return <CallScriptsPage />
    case 'people':
      return <PeoplePage user={user} />
    case 'devices':
      return <DevicesPage user={user} />
    case 'figures':
      return <FiguresPage />
    case 'users':
      return <UsersPage user={user} />
    case 'account':
      return <AccountPage user={user} />
  }
}

function TitledNoAccess({ title }: { title: string }) {
  useDocumentTitle(title)
  return <NoAccess title={title} />
}

function NoSuchPage() {
  useDocumentTitle('Page not found')
  return (
    <section>
      <h1>Page not found</h1>
      <p>
        There is no such page. <a href="#/">Go to the start page</a>.
      </p>
    </section>
  )
}

/** The signed-in layout: header and navigation, the live banners, and the page of the current route. */
export function Shell({ user, onSignedOut, onSessionEnded, onChangePassword }: Props) {
  const route = useRoute()
  const hub = useMemo(() => new LiveHub(), [])
  const live = useLiveQueue(can(user, 'alerts:read'), hub, onSessionEnded)
  const breakGlass = useBreakGlassNotices(hub)
  // Alerts nobody answered in time escalate to the supervisors (and admins); responders keep the queue's view.
  const escalated = useEscalations(live.queue, can(user, 'alerts:read') && user.roles.some((r) => r === 'supervisor' || r === 'admin'))
  const main = useRef<HTMLElement>(null)
  const banners = useRef<HTMLDivElement>(null)
  const firstRoute = useRef(true)
  const [signOutError, setSignOutError] = useState('')

  // The sticky banners must not hide the focused element (WCAG 2.4.11): scrolling leaves room for them.
  useEffect(() => {
    const el = banners.current
    if (!el) return undefined
    const root = document.documentElement
    const resize = new ResizeObserver(() => root.style.setProperty('--banners-height', `${el.offsetHeight}px`))
    resize.observe(el)
    return () => {
      resize.disconnect()
      root.style.removeProperty('--banners-height')
    }
  }, [])

  // Moving to another page moves focus there too, so a screen reader starts at the new page.
  useEffect(() => {
    if (firstRoute.current) {
      firstRoute.current = false
      return
    }
    main.current?.focus()
    window.scrollTo(0, 0)
  }, [route])

  const signOut = async () => {
    setSignOutError('')
    try {
      // The server also closes this session's live connections.
      await api('/api/auth/logout', { method: 'POST', expectUnauthorized: true })
    } catch (error) {
      // A 401: the session had already ended, so the user is signed out all the same.
      if (!(error instanceof ApiError && error.status === 401)) {
        setSignOutError(`Could not sign out: ${messageOf(error)} You are still signed in; try again.`)
        return
      }
    }
    onSignedOut()
  }

  return (
    <LiveHubContext.Provider value={hub}>
    <AlertQueueContext.Provider value={live.queue}>
    <LiveQueueContext.Provider value={live}>
      <a
        class="skip-link"
        href="#main"
        onClick={(event) => {
          event.preventDefault()
          main.current?.focus()
        }}
      >
        Skip to main content
      </a>
      <SiteHeader user={user} route={route} live={live} onSignOut={() => void signOut()} onChangePassword={onChangePassword} />
      <div class="banners" ref={banners}>
        {signOutError && (
          <p class="banner banner-lost" role="alert" data-testid="sign-out-error">
            {signOutError}
          </p>
        )}
        <ConnectionBanner state={live.state} resyncFailed={live.resyncFailed} />
        <EmergencyBanner emergencies={live.emergencies} onDismiss={live.dismissEmergency} />
        <EscalationBanner escalated={escalated} />
        <BreakGlassBanner notices={breakGlass.notices} onDismiss={breakGlass.dismiss} />
        {route.page !== 'account' && <TwoFactorBanner />}
      </div>
      <Announcer />
      <main id="main" ref={main} tabIndex={-1}>
        <Page route={route} user={user} />
      </main>
    </LiveQueueContext.Provider>
    </AlertQueueContext.Provider>
    </LiveHubContext.Provider>
  )
}
